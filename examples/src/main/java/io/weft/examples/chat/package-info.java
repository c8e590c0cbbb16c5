/**
 * A line-based chat server over streams, with drain-based backpressure toward slow clients
 * ({@link io.weft.examples.chat.ChatServer}), a client ({@link io.weft.examples.chat.ChatClient}) and a scripted
 * conversation ({@link io.weft.examples.chat.ChatDemo}).
 */
package io.weft.examples.chat;
