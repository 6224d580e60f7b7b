# tarjim: build stage and runtime stage on Debian 12.
# docker build -t tarjim . && docker run -e TARJIM_TOKEN=secret -p 8080:8080 tarjim

FROM debian:bookworm-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends \
        gcc libc6-dev meson ninja-build pkg-config python3 \
        libcurl4-openssl-dev libjansson-dev libmicrohttpd-dev libicu-dev libsqlite3-dev \
        libpcre2-dev libexpat1-dev zlib1g-dev libinih-dev libxml2-dev libpq-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN meson setup /build -Dtests=false -Dbuildtype=release -Dprefix=/usr \
    && meson compile -C /build \
    && DESTDIR=/staging meson install -C /build

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends \
        libcurl4 libjansson4 libmicrohttpd12 libicu72 libsqlite3-0 libpcre2-8-0 libexpat1 zlib1g \
        libinih1 libxml2 libpq5 dict-freedict-ara-eng ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home-dir /var/lib/tarjim --create-home tarjim
COPY --from=build /staging/usr /usr
USER tarjim
ENV XDG_DATA_HOME=/var/lib/tarjim
EXPOSE 8080
# The web editor listens on all addresses, so it requires a token: serve reads it from
# TARJIM_TOKEN (kept out of the command line, where any process could read it).
CMD ["tarjim", "serve", "--listen", "0.0.0.0:8080"]
