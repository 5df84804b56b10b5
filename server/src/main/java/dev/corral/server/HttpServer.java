package dev.corral.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * A small HTTP server for the admin commands and the Prometheus scrape: GET and POST requests, each
 * answered by a function of the method, the decoded path and query, and the Origin header. Bodies are
 * bounded to 64 KiB.
 */
final class HttpServer implements AutoCloseable {
    /**
     * An HTTP request as the handlers see it.
     *
     * @param origin the Origin header, which browsers send with a request a web page makes; null without one
     */
    record Request(String method, QueryStringDecoder uri, String origin) {
        String path() {
            return uri.path();
        }
    }

    /** An HTTP answer: status, content type and body. */
    record Response(int status, String contentType, String body) {
        static Response json(int status, String body) {
            return new Response(status, "application/json", body);
        }
    }

    private final NioEventLoopGroup group;
    private final Channel channel;

    private HttpServer(NioEventLoopGroup group, Channel channel) {
        this.group = group;
        this.channel = channel;
    }

    static HttpServer start(String name, ServerConfig.HttpEndpoint endpoint, Function<Request, Response> handler)
            throws IOException {
        NioEventLoopGroup group = new NioEventLoopGroup(1, new io.netty.util.concurrent.DefaultThreadFactory("corral-" + name));
        try {
            Channel channel = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024), new Handler(handler));
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
            Response response;
            if (!request.method().name().equals("GET") && !request.method().name().equals("POST")) {
                response = Response.json(405, "{\"error\":\"only GET and POST are served\"}");
            } else {
                try {
                    response = handler.apply(new Request(request.method().name(), new QueryStringDecoder(request.uri()),
                            request.headers().get(HttpHeaderNames.ORIGIN)));
                } catch (RuntimeException e) {
                    response = Response.json(500, "{\"error\":\"" + String.valueOf(e.getMessage()).replace("\"", "'") + "\"}");
                }
            }
            FullHttpResponse reply = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(response.status()),
                    Unpooled.copiedBuffer(response.body(), StandardCharsets.UTF_8));
            reply.headers().set(HttpHeaderNames.CONTENT_TYPE, response.contentType() + "; charset=utf-8");
            HttpUtil.setContentLength(reply, reply.content().readableBytes());
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            var future = ctx.writeAndFlush(reply);
            if (!keepAlive) {
                future.addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
