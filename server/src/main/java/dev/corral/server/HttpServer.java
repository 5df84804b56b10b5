package dev.corral.server;

import dev.corral.server.tls.ReloadingTlsContext;
import dev.corral.server.tls.TlsSniffer;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.stream.ChunkedFile;
import io.netty.handler.stream.ChunkedWriteHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * A small HTTP server for the admin commands, the web console and the Prometheus scrape: GET and POST
 * requests, each answered by a function of the request ({@link Request}). Bodies are bounded to 1 MiB (a
 * console import is the largest). Handlers run on a small bounded pool, not on the I/O thread, since the
 * console's calls wait on a ZooKeeper session; a connection is not read while its request is being
 * handled, so answers go out in request order. An answer may instead be a file sent in chunks from disk
 * (a snapshot), or a stream of Server-Sent Events, which stays open until the browser closes it.
 *
 * <p>Over TLS when asked ({@link AdminTls}): TLS only, or TLS and plain HTTP on one port told apart by the
 * first byte ({@link TlsSniffer}). A TLS answer carries the Strict-Transport-Security header ZooKeeper's
 * admin server sends (Jetty's SecureRequestCustomizer with a day's max-age and includeSubDomains).
 */
final class HttpServer implements AutoCloseable {
    /** Largest request body served. */
    static final int BODY_BYTES_MAX = 1 << 20;
    /** ZooKeeper 3.9's admin server's HSTS header value over TLS (JettyAdminServer#DEFAULT_STS_MAX_AGE: a day). */
    static final String STRICT_TRANSPORT_SECURITY = "max-age=86400; includeSubDomains";
    /** Requests handled at once, and waiting; past that the server answers 503. */
    private static final int HANDLER_THREADS = 4;
    private static final int WAITING_MAX = 64;
    /** A comment line sent this often on an event stream, so that a browser gone away is noticed by a failed write. */
    private static final long STREAM_PING_S = 15;
    private static final String TLS_HANDLER = "tls";

    /**
     * An HTTP request as the handlers see it.
     *
     * @param origin the Origin header, which browsers send with a request a web page makes; null without one
     * @param headers the request's headers, names in lower case
     * @param body the request body, empty for none
     * @param remoteAddress the client's IP address, as text
     * @param certificates the client's certificate chain from the TLS handshake, leaf first; empty over plain
     *     HTTP or when none was asked for or sent
     * @param tls whether the request came over TLS
     */
    record Request(String method, QueryStringDecoder uri, String origin, Map<String, String> headers, byte[] body,
            String remoteAddress, List<X509Certificate> certificates, boolean tls) {
        Request {
            headers = Map.copyOf(headers);
            certificates = List.copyOf(certificates);
        }

        /** A request without headers or body, from the loopback address. */
        Request(String method, QueryStringDecoder uri, String origin) {
            this(method, uri, origin, Map.of(), new byte[0], "127.0.0.1", List.of(), false);
        }

        /** A request without credentials, from the loopback address. */
        static Request of(String method, String uri) {
            return new Request(method, new QueryStringDecoder(uri), null);
        }

        /** A request with this Authorization header, from {@code remoteAddress}, with these certificates (over TLS if any). */
        static Request authorized(String method, String uri, String authorization, String remoteAddress,
                List<X509Certificate> certificates) {
            return new Request(method, new QueryStringDecoder(uri), null,
                    authorization == null ? Map.of() : Map.of("authorization", authorization), new byte[0], remoteAddress, certificates,
                    !certificates.isEmpty());
        }

        String path() {
            return uri.path();
        }

        String header(String name) {
            return headers.get(name);
        }

        /** The Authorization header, null without one. */
        String authorization() {
            return headers.get("authorization");
        }
    }

    /** Where a handler writes the events of a stream; safe to call from any thread. */
    interface EventSink {
        /** Sends one event; false once the stream is closed or its browser is not reading (the event is then dropped). */
        boolean send(String event, String data);

        /** Runs {@code action} once the stream is closed. */
        void onClose(Runnable action);

        void close();
    }

    /**
     * An HTTP answer: status, content type, body and extra header fields; or, with {@code stream} set, an
     * event stream (text/event-stream) handed to it once the headers are sent; or, with {@code file} set, that
     * file sent in chunks from disk (a snapshot can be larger than the heap), {@code body} then empty.
     */
    record Response(int status, String contentType, byte[] body, Map<String, String> headers, Consumer<EventSink> stream,
            Path file) {
        Response {
            headers = Map.copyOf(headers);
        }

        /** A text answer without extra header fields. */
        Response(int status, String contentType, String body) {
            this(status, contentType, body.getBytes(StandardCharsets.UTF_8), Map.of(), null, null);
        }

        /** A body with extra header fields. */
        Response(int status, String contentType, byte[] body, Map<String, String> headers) {
            this(status, contentType, body, headers, null, null);
        }

        static Response json(int status, String body) {
            return new Response(status, "application/json", body);
        }

        static Response events(Consumer<EventSink> stream) {
            return new Response(200, "text/event-stream", new byte[0], Map.of("Cache-Control", "no-store"), stream, null);
        }

        /** {@code file} as application/octet-stream. */
        static Response file(Path file, Map<String, String> headers) {
            return new Response(200, "application/octet-stream", new byte[0], headers, null, file);
        }

        /** This answer with one more header. */
        Response withHeader(String name, String value) {
            Map<String, String> more = new LinkedHashMap<>(headers);
            more.put(name, value);
            return new Response(status, contentType, body, more, stream, file);
        }

        /** The body as text, for tests and logs. */
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final NioEventLoopGroup group;
    private final ThreadPoolExecutor handlers;
    private final Channel channel;

    private HttpServer(NioEventLoopGroup group, ThreadPoolExecutor handlers, Channel channel) {
        this.group = group;
        this.handlers = handlers;
        this.channel = channel;
    }

    static HttpServer start(String name, ServerConfig.HttpEndpoint endpoint, Function<Request, Response> handler)
            throws IOException {
        return start(name, endpoint, AdminTls.Mode.PLAIN, null, handler, LargeBodies.NONE);
    }

    /**
     * The requests whose body may be larger than {@link #BODY_BYTES_MAX}: POSTs to {@code paths} (an admin
     * restore's snapshot), up to {@code bytesMax} each, and one at a time from its head until its answer is
     * written, so that the heap holds at most one such body however many clients send one. Another one
     * meanwhile is answered 503; a body past its bound 413, and its connection is closed. One without an
     * Authorization header is answered 401 from its headers, so only a caller with credentials to check is
     * ever read (who they prove to be is checked once the body is in, by the endpoint).
     */
    record LargeBodies(java.util.function.Predicate<String> paths, int bytesMax) {
        static final LargeBodies NONE = new LargeBodies(path -> false, BODY_BYTES_MAX);
    }

    /**
     * Starts a server on {@code endpoint} that speaks as {@code mode} says; {@code tls} builds each TLS
     * connection's handler (null exactly for {@link AdminTls.Mode#PLAIN}).
     */
    static HttpServer start(String name, ServerConfig.HttpEndpoint endpoint, AdminTls.Mode mode, ReloadingTlsContext tls,
            Function<Request, Response> handler, LargeBodies large) throws IOException {
        if ((mode == AdminTls.Mode.PLAIN) != (tls == null)) {
            throw new IllegalArgumentException("a TLS context is needed exactly when the " + name + " server speaks TLS");
        }
        NioEventLoopGroup group = new NioEventLoopGroup(1, new io.netty.util.concurrent.DefaultThreadFactory("corral-" + name));
        ThreadPoolExecutor handlers = new ThreadPoolExecutor(HANDLER_THREADS, HANDLER_THREADS, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(WAITING_MAX), new io.netty.util.concurrent.DefaultThreadFactory("corral-" + name + "-handler", true));
        handlers.allowCoreThreadTimeOut(true);
        java.util.concurrent.atomic.AtomicBoolean largeBodyTaken = new java.util.concurrent.atomic.AtomicBoolean();
        try {
            Channel channel = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            switch (mode) {
                                case FORCED -> ch.pipeline().addLast(TLS_HANDLER, tls.newHandler(ch.alloc()));
                                case UNIFIED -> ch.pipeline().addLast("tls-sniffer", new TlsSniffer(tls));
                                case PLAIN -> { }
                            }
                            ch.pipeline().addLast(new HttpServerCodec(), new BodyBound(large, largeBodyTaken),
                                    new HttpObjectAggregator(Math.max(BODY_BYTES_MAX, large.bytesMax())),
                                    new ChunkedWriteHandler(), new Handler(handler, handlers));
                        }
                    })
                    .bind(new InetSocketAddress(endpoint.address(), endpoint.port())).sync().channel();
            return new HttpServer(group, handlers, channel);
        } catch (Exception e) {
            group.shutdownGracefully();
            handlers.shutdownNow();
            throw new IOException("cannot start the " + name + " HTTP server on " + endpoint.address() + ":" + endpoint.port()
                    + ": " + e.getMessage(), e);
        }
    }

    int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        handlers.shutdownNow();
    }

    /** Bounds each request's body as {@link LargeBodies} says, before the aggregator holds it. */
    private static final class BodyBound extends io.netty.channel.ChannelInboundHandlerAdapter {
        // Set on a channel whose request holds the large-body slot, until its answer is written or it closes.
        private static final io.netty.util.AttributeKey<java.util.concurrent.atomic.AtomicBoolean> LARGE =
                io.netty.util.AttributeKey.valueOf("corral-large-body");
        private final LargeBodies large;
        private final java.util.concurrent.atomic.AtomicBoolean largeTaken;
        private long allowedBytes = BODY_BYTES_MAX;
        private long receivedBytes;
        // After a refusal the rest of the connection's input is dropped until it closes.
        private boolean refused;

        BodyBound(LargeBodies large, java.util.concurrent.atomic.AtomicBoolean largeTaken) {
            this.large = large;
            this.largeTaken = largeTaken;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            if (refused) {
                io.netty.util.ReferenceCountUtil.release(message);
                return;
            }
            if (message instanceof io.netty.handler.codec.http.HttpRequest request) {
                receivedBytes = 0;
                String path = new QueryStringDecoder(request.uri()).path();
                boolean isLarge = request.method().name().equals("POST") && large.paths().test(path);
                allowedBytes = isLarge ? large.bytesMax() : BODY_BYTES_MAX;
                if (isLarge && !request.headers().contains(HttpHeaderNames.AUTHORIZATION)) {
                    // ZooKeeper's first answer to an anonymous restore, given before a byte of the body is taken:
                    // a caller without credentials neither holds the upload slot nor fills the heap.
                    String command = path.substring(path.lastIndexOf('/') + 1);
                    refuseWith(ctx, message, 401, "{\"command\":\"" + command + "\",\"error\":\"Auth info is missing for the command\"}");
                    return;
                }
                if (isLarge && !largeTaken.compareAndSet(false, true)) {
                    refuse(ctx, message, 503, "another upload is being received or handled; try again when it is answered");
                    return;
                }
                if (isLarge) {
                    ctx.channel().attr(LARGE).set(largeTaken);
                }
                if (HttpUtil.getContentLength(request, -1L) > allowedBytes) {
                    refuse(ctx, message, 413, "the body is larger than the " + allowedBytes + " bytes this request may have");
                    return;
                }
            }
            if (message instanceof io.netty.handler.codec.http.HttpContent content) {
                receivedBytes += content.content().readableBytes();
                if (receivedBytes > allowedBytes) {
                    refuse(ctx, message, 413, "the body is larger than the " + allowedBytes + " bytes this request may have");
                    return;
                }
            }
            ctx.fireChannelRead(message);
        }

        private void refuse(ChannelHandlerContext ctx, Object message, int status, String error) {
            refuseWith(ctx, message, status, "{\"error\":\"" + error + "\"}");
        }

        /** Answers {@code json} and closes the connection, dropping whatever else it sends. */
        private void refuseWith(ChannelHandlerContext ctx, Object message, int status, String json) {
            refused = true;
            io.netty.util.ReferenceCountUtil.release(message);
            FullHttpResponse reply = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
                    Unpooled.copiedBuffer(json, StandardCharsets.UTF_8));
            reply.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=utf-8");
            reply.headers().set(HttpHeaderNames.CONNECTION, "close");
            HttpUtil.setContentLength(reply, reply.content().readableBytes());
            ctx.writeAndFlush(reply).addListener(ChannelFutureListener.CLOSE);
            releaseLarge(ctx.channel());
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            releaseLarge(ctx.channel());
            ctx.fireChannelInactive();
        }

        /** Frees the large-body slot if this channel's request holds it. */
        static void releaseLarge(Channel channel) {
            java.util.concurrent.atomic.AtomicBoolean taken = channel.attr(LARGE).getAndSet(null);
            if (taken != null) {
                taken.set(false);
            }
        }
    }

    private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final Function<Request, Response> handler;
        private final ThreadPoolExecutor pool;

        Handler(Function<Request, Response> handler, ThreadPoolExecutor pool) {
            this.handler = handler;
            this.pool = pool;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            SslHandler tls = ctx.pipeline().get(SslHandler.class);
            if (!request.method().name().equals("GET") && !request.method().name().equals("POST")) {
                write(ctx, Response.json(405, "{\"error\":\"only GET and POST are served\"}"), keepAlive, tls != null);
                return;
            }
            Map<String, String> headers = new LinkedHashMap<>();
            request.headers().forEach(h -> headers.putIfAbsent(h.getKey().toLowerCase(java.util.Locale.ROOT), h.getValue()));
            Request seen = new Request(request.method().name(), new QueryStringDecoder(request.uri()),
                    request.headers().get(HttpHeaderNames.ORIGIN), headers, ByteBufUtil.getBytes(request.content()),
                    ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress().getHostAddress(), certificates(tls), tls != null);
            ctx.channel().config().setAutoRead(false);
            try {
                pool.execute(() -> {
                    Response response;
                    try {
                        response = handler.apply(seen);
                    } catch (RuntimeException e) {
                        response = Response.json(500, "{\"error\":\"" + String.valueOf(e.getMessage()).replace("\\", "\\\\")
                                .replace("\"", "'") + "\"}");
                    }
                    write(ctx, response, keepAlive, tls != null);
                });
            } catch (RejectedExecutionException e) {
                write(ctx, Response.json(503, "{\"error\":\"the server is busy with other HTTP requests; try again\"}"), keepAlive,
                        tls != null);
            }
        }

        private static void write(ChannelHandlerContext ctx, Response response, boolean keepAlive, boolean tls) {
            if (response.stream() != null) {
                stream(ctx, response, tls);
                return;
            }
            ChannelFuture future;
            if (response.file() != null) {
                future = writeFile(ctx, response, tls);
            } else {
                FullHttpResponse reply = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(response.status()),
                        Unpooled.wrappedBuffer(response.body()));
                setHeaders(reply, response, tls);
                HttpUtil.setContentLength(reply, reply.content().readableBytes());
                future = ctx.writeAndFlush(reply);
            }
            future.addListener(done -> BodyBound.releaseLarge(ctx.channel()));
            if (!keepAlive) {
                future.addListener(ChannelFutureListener.CLOSE);
            } else {
                ctx.channel().config().setAutoRead(true);
            }
        }

        private static void setHeaders(HttpResponse reply, Response response, boolean tls) {
            reply.headers().set(HttpHeaderNames.CONTENT_TYPE, response.file() != null ? response.contentType()
                    : response.contentType() + "; charset=utf-8");
            response.headers().forEach((name, value) -> reply.headers().set(name, value));
            if (tls) {
                reply.headers().set("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY);
            }
        }

        /** The head, then the file in 64 KiB chunks read as the connection takes them (ChunkedWriteHandler). */
        private static ChannelFuture writeFile(ChannelHandlerContext ctx, Response response, boolean tls) {
            ChunkedFile chunks;
            try {
                chunks = new ChunkedFile(response.file().toFile(), 64 * 1024);
            } catch (IOException e) {
                FullHttpResponse failed = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.INTERNAL_SERVER_ERROR);
                HttpUtil.setContentLength(failed, 0);
                return ctx.writeAndFlush(failed);
            }
            HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(response.status()));
            setHeaders(head, response, tls);
            try {
                HttpUtil.setContentLength(head, chunks.length());
            } catch (Exception e) {
                throw new IllegalStateException("cannot tell the length of " + response.file(), e);
            }
            ctx.write(head);
            return ctx.writeAndFlush(new HttpChunkedInput(chunks));
        }

        /** Sends the headers of an event stream, then hands the stream to its producer; the browser's requests end here. */
        private static void stream(ChannelHandlerContext ctx, Response response, boolean tls) {
            DefaultHttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            setHeaders(head, response, tls);
            head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
            HttpUtil.setTransferEncodingChunked(head, true);
            ctx.writeAndFlush(head);
            Channel channel = ctx.channel();
            var ping = channel.eventLoop().scheduleAtFixedRate(
                    () -> channel.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer(": ping\n\n", StandardCharsets.UTF_8))),
                    STREAM_PING_S, STREAM_PING_S, TimeUnit.SECONDS);
            channel.closeFuture().addListener(f -> ping.cancel(false));
            // Read again, so that the browser closing the stream is seen at once.
            channel.config().setAutoRead(true);
            response.stream().accept(new EventSink() {
                @Override
                public boolean send(String event, String data) {
                    if (!channel.isActive() || !channel.isWritable()) {
                        return false;
                    }
                    StringBuilder text = new StringBuilder("event: ").append(event).append('\n');
                    for (String line : data.split("\n", -1)) {
                        text.append("data: ").append(line).append('\n');
                    }
                    text.append('\n');
                    channel.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8)));
                    return true;
                }

                @Override
                public void onClose(Runnable action) {
                    channel.closeFuture().addListener(f -> action.run());
                }

                @Override
                public void close() {
                    channel.close();
                }
            });
        }

        /** The verified chain the client presented, leaf first; empty when there is none. */
        private static List<X509Certificate> certificates(SslHandler tls) {
            if (tls == null) {
                return List.of();
            }
            try {
                List<X509Certificate> chain = new ArrayList<>();
                for (Certificate certificate : tls.engine().getSession().getPeerCertificates()) {
                    if (certificate instanceof X509Certificate x509) {
                        chain.add(x509);
                    }
                }
                return chain;
            } catch (SSLPeerUnverifiedException e) {
                return List.of();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
