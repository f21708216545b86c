package modkit.cli.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * One client's connection. What the server sends it is queued and written by a thread of its own, so a client that
 * reads slowly (its output piped into a pager left open) holds back only its own output, never the server: the
 * next command runs meanwhile. The connection closes once its last frame is written.
 */
final class Connection {
    private static final byte[] END = new byte[0];

    private final SocketChannel channel;
    private final LinkedBlockingQueue<byte[]> frames = new LinkedBlockingQueue<>();
    private final Thread writer;

    Connection(SocketChannel channel) {
        this.channel = channel;
        this.writer = Thread.ofVirtual().name("modkit-server-writer").start(this::drain);
    }

    UnixDomainPrincipal peer() throws IOException {
        return channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
    }

    InputStream input() {
        return Channels.newInputStream(channel);
    }

    /** Queues one frame (the bytes are copied). */
    void send(int type, byte[] bytes, int offset, int length) {
        frames.add(ServerProtocol.frame(type, bytes, offset, length));
    }

    /** Queues the last frame; the connection closes when it has been written. */
    void finish(int exitCode) {
        frames.add(ServerProtocol.exit(exitCode));
        frames.add(END);
    }

    /** Queues a refusal (the client runs the command in a JVM of its own) and closes after it. */
    void refuse() {
        frames.add(ServerProtocol.frame(ServerProtocol.REFUSED, new byte[0], 0, 0));
        frames.add(END);
    }

    /** Closes after what is queued, with nothing more to say (a client that only checked the socket). */
    void close() {
        frames.add(END);
    }

    /** Closes at once: a read of the request under way fails. */
    void abort() {
        try {
            channel.close();
        } catch (IOException e) {
            // closed
        }
        frames.add(END);
    }

    /** Whether frames may still be waiting to be written. */
    boolean writing() {
        return writer.isAlive();
    }

    /** Waits up to {@code limit} for the queued frames to be written; false if they were not. */
    boolean await(Duration limit) throws InterruptedException {
        return writer.join(limit);
    }

    private void drain() {
        try (channel) {
            OutputStream out = Channels.newOutputStream(channel);
            boolean broken = false;
            for (byte[] f; (f = frames.take()) != END; ) {
                if (!broken) {
                    try {
                        out.write(f);
                    } catch (IOException e) {
                        broken = true; // the client went away: what is still to come is dropped
                    }
                }
            }
        } catch (InterruptedException | IOException e) {
            // closing
        }
    }
}
