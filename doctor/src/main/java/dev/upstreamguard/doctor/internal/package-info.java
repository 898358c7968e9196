/** Implementation details of the doctor (JSON and text output); not an API. */
package dev.upstreamguard.doctor.internal;
