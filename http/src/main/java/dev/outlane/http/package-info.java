/**
 * What every OkHttp destination adapter shares, so that none re-implements it: {@link
 * dev.outlane.http.HttpCaller} sends a request once and reports an {@link dev.outlane.http.Exchange}
 * that says whether the request was completely written; {@link dev.outlane.http.HttpClassifier}
 * turns a failed exchange into an {@link dev.outlane.destination.Outcome} carrying a {@link
 * dev.outlane.destination.DeliveryError}, with a {@link dev.outlane.http.Classifier} hook for a
 * vendor's own error codes; {@link dev.outlane.http.Gzip} compresses request bodies. Core stays free
 * of OkHttp; this module is what the adapters depend on.
 */
@NullMarked
package dev.outlane.http;

import org.jspecify.annotations.NullMarked;
