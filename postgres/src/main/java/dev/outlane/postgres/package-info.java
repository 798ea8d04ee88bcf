/**
 * Shared state for many Outlane instances on one PostgreSQL database: {@link
 * dev.outlane.postgres.PostgresIdempotencyStore} (delivered keys and the SMS attempt ledger),
 * {@link dev.outlane.postgres.PostgresSuppressionStore} and {@link
 * dev.outlane.postgres.PostgresDeadLetterStore}, each behind core's SPI, and the versioned schema
 * they need ({@link dev.outlane.postgres.OutlaneSchema}).
 *
 * <p>JDBC only: the application passes a {@link javax.sql.DataSource} (and chooses its driver and
 * pool); the stores borrow a connection per operation and never keep one. Tables are created in the
 * connection's current schema ({@code search_path}).
 */
@NullMarked
package dev.outlane.postgres;

import org.jspecify.annotations.NullMarked;
