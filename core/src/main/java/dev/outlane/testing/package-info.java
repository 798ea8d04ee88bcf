/**
 * Test doubles shipped for users' own tests: a scriptable {@link dev.outlane.testing.FakeDestination},
 * a virtual-time {@link dev.outlane.testing.ManualScheduler}, and the {@link
 * dev.outlane.testing.Fault}s every fake server in the adapters can be scripted with.
 */
@NullMarked
package dev.outlane.testing;

import org.jspecify.annotations.NullMarked;
