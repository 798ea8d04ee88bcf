/** Identity normalization: email casing, phone numbers in E.164, stable customer ids. */
@NullMarked
package dev.outlane.identity;

import org.jspecify.annotations.NullMarked;
