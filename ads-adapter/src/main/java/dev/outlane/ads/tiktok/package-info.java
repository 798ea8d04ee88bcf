/** TikTok audiences ({@link dev.outlane.ads.tiktok.TikTokAudienceDestination}) over the Business API. */
@NullMarked
package dev.outlane.ads.tiktok;

import org.jspecify.annotations.NullMarked;
