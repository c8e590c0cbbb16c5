package io.weft.examples.chat;

import io.weft.AsyncCallable;
import io.weft.Weft;
import io.weft.sim.Simulation;
import io.weft.sim.net.SimHost;
import io.weft.sim.net.SimNetwork;
import java.io.IOException;
import java.time.Duration;

/** A chat server on simulated host "chat" and clients each on a host of its own, for the simulated tests. */
final class ChatWorld {

  static final int PORT = 6667;

  final SimNetwork net;
  final SimHost chatHost;
  final ChatServer server;

  ChatWorld(Simulation sim, ChatSettings settings) {
    net = sim.network();
    chatHost = net.addHost("chat");
    server = onHost(chatHost, () -> ChatServer.start("chat", PORT, settings));
  }

  /** Runs {@code body} in a task on {@code host} (its sockets belong to that host) and returns its result. */
  static <T> T onHost(SimHost host, AsyncCallable<T> body) {
    return Weft.createTask(() -> {
      host.makeCurrent();
      return body.call();
    }).await();
  }

  /** Adds host {@code nick}, {@code latency} from the server, and joins the chat from it. */
  ChatClient join(String nick, Duration latency) throws IOException {
    SimHost h = net.addHost(nick);
    net.setLatency(h, chatHost, latency);
    return onHost(h, () -> ChatClient.connect("chat", PORT, nick));
  }

  /** Adds host {@code name} and runs {@code body} on it. */
  <T> T onNewHost(String name, Duration latency, AsyncCallable<T> body) {
    SimHost h = net.addHost(name);
    net.setLatency(h, chatHost, latency);
    return onHost(h, body);
  }
}
