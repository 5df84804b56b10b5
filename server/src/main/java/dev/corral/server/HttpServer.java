package dev.corral.server;

import dev.corral.server.tls.ReloadingTlsContext;
import dev.corral.server.tls.TlsSniffer;
import io.netty.bootstrap.ServerBootstrap;
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
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * A small HTTP server for the admin commands and the Prometheus scrape: GET and POST requests, each
 * answered by a function of the request ({@link Request}). Bodies are bounded to 64 KiB.
 *
 * <p>Over TLS when asked ({@link AdminTls}): TLS only, or TLS and plain HTTP on one port told apart by the
 * first byte ({@link TlsSniffer}). A TLS answer carries the Strict-Transport-Security header ZooKeeper's
 * admin server sends (Jetty's SecureRequestCustomizer with a day's max-age and includeSubDomains).
 */
final class HttpServer implements AutoCloseable {
    /** ZooKeeper 3.9's admin server's HSTS header value over TLS (JettyAdminServer#DEFAULT_STS_MAX_AGE: a day). */
    static final String STRICT_TRANSPORT_SECURITY = "max-age=86400; includeSubDomains";

    /**
     * An HTTP request as the handlers see it.
     *
     * @param origin the Origin header, which browsers send with a request a web page makes; null without one
     * @param authorization the Authorization header, null without one
     * @param remoteAddress the client's IP address, as text
     * @param certificates the client's certificate chain from the TLS handshake, leaf first; empty over plain
     *     HTTP or when none was asked for or sent
     */
    record Request(String method, QueryStringDecoder uri, String origin, String authorization, String remoteAddress,
            List<X509Certificate> certificates) {
        Request {
            certificates = List.copyOf(certificates);
        }

        /** A request without credentials, from the loopback address. */
        static Request of(String method, String uri) {
            return new Request(method, new QueryStringDecoder(uri), null, null, "127.0.0.1", List.of());
        }

        String path() {
            return uri.path();
        }
    }

    /**
     * An HTTP answer: status, content type, body and extra header fields.
     *
     * @param file when not null, the body is this file, sent in chunks from disk (a snapshot can be larger than
     *     the heap), and {@code body} is empty
     */
    record Response(int status, String contentType, byte[] body, Map<String, String> headers, Path file) {
        Response {
            headers = Map.copyOf(headers);
        }

        /** A text answer without extra header fields. */
        Response(int status, String contentType, String body) {
            this(status, contentType, body.getBytes(StandardCharsets.UTF_8), Map.of(), null);
        }

        /** {@code file} as application/octet-stream. */
        static Response file(Path file, Map<String, String> headers) {
            return new Response(200, "application/octet-stream", new byte[0], headers, file);
        }

        static Response json(int status, String body) {
            return new Response(status, "application/json", body);
        }

        /** The body as text, for tests and logs. */
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private static final String TLS_HANDLER = "tls";

    private final NioEventLoopGroup group;
    private final Channel channel;

    private HttpServer(NioEventLoopGroup group, Channel channel) {
        this.group = group;
        this.channel = channel;
    }

    static HttpServer start(String name, ServerConfig.HttpEndpoint endpoint, Function<Request, Response> handler)
            throws IOException {
        return start(name, endpoint, AdminTls.Mode.PLAIN, null, handler);
    }

    /**
     * Starts a server on {@code endpoint} that speaks as {@code mode} says; {@code tls} builds each TLS
     * connection's handler (null exactly for {@link AdminTls.Mode#PLAIN}).
     */
    static HttpServer start(String name, ServerConfig.HttpEndpoint endpoint, AdminTls.Mode mode, ReloadingTlsContext tls,
            Function<Request, Response> handler) throws IOException {
        if ((mode == AdminTls.Mode.PLAIN) != (tls == null)) {
            throw new IllegalArgumentException("a TLS context is needed exactly when the " + name + " server speaks TLS");
        }
        NioEventLoopGroup group = new NioEventLoopGroup(1, new io.netty.util.concurrent.DefaultThreadFactory("corral-" + name));
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
                            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024), new ChunkedWriteHandler(),
                                    new Handler(handler));
                        }
                    })
                    .bind(new InetSocketAddress(endpoint.address(), endpoint.port())).sync().channel();
            return new HttpServer(group, channel);
        } catch (Exception e) {
            group.shutdownGracefully();
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
    }

    private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final Function<Request, Response> handler;

        Handler(Function<Request, Response> handler) {
            this.handler = handler;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            SslHandler tls = ctx.pipeline().get(SslHandler.class);
            Response response;
            if (!request.method().name().equals("GET") && !request.method().name().equals("POST")) {
                response = Response.json(405, "{\"error\":\"only GET and POST are served\"}");
            } else {
                try {
                    response = handler.apply(new Request(request.method().name(), new QueryStringDecoder(request.uri()),
                            request.headers().get(HttpHeaderNames.ORIGIN), request.headers().get(HttpHeaderNames.AUTHORIZATION),
                            ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress().getHostAddress(), certificates(tls)));
                } catch (RuntimeException e) {
                    response = Response.json(500, "{\"error\":\"" + String.valueOf(e.getMessage()).replace("\"", "'") + "\"}");
                }
            }
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            ChannelFuture future;
            if (response.file() != null) {
                future = writeFile(ctx, response, tls != null);
            } else {
                FullHttpResponse reply = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(response.status()),
                        Unpooled.wrappedBuffer(response.body()));
                setHeaders(reply, response, tls != null);
                HttpUtil.setContentLength(reply, reply.content().readableBytes());
                future = ctx.writeAndFlush(reply);
            }
            if (!keepAlive) {
                future.addListener(ChannelFutureListener.CLOSE);
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
