/**
 * Test doubles shipped for users' own tests: a scriptable {@link dev.outlane.testing.FakeDestination}
 * and a virtual-time {@link dev.outlane.testing.ManualScheduler}.
 */
@NullMarked
package dev.outlane.testing;

import org.jspecify.annotations.NullMarked;
