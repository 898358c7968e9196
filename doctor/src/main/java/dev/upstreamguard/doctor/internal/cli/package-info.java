/** The doctor's command line: {@code probe}, {@code chain} and {@code explain}; not an API. */
package dev.upstreamguard.doctor.internal.cli;
