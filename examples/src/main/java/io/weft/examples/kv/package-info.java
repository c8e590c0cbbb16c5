/**
 * A replicated counter service (a leader and two followers) with a client that retries, in a racy and a fixed
 * version: the README's fault-injection example. See {@link io.weft.examples.kv.RacyKvLeader} for the bug.
 */
package io.weft.examples.kv;
