/**
 * Meta destinations: Custom Audiences ({@link dev.outlane.ads.meta.MetaCustomAudienceDestination})
 * and the Conversions API ({@link dev.outlane.ads.meta.MetaConversionsDestination}), over the Graph
 * API with OkHttp. No Meta SDK.
 */
@NullMarked
package dev.outlane.ads.meta;

import org.jspecify.annotations.NullMarked;
