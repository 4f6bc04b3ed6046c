# syntax=docker/dockerfile:1
#
# fastio in a container: a static (musl) build, then a runtime image with nothing but the
# binary, CA certificates and a non-root user.
#
#   docker build -t fastio .
#   docker run --rm -e FASTIO_API_KEY -e FASTIO_WORKSPACE -v "$PWD/dist:/data/dist:ro" \
#       fastio upload /data/dist --to builds
#
# There is no OS keyring in the container: pass FASTIO_API_KEY (or FASTIO_TOKEN). The resume
# journal lives under /home/nonroot/.local/state; mount a volume there to resume across runs.

# The toolchain of rust-toolchain.toml, on musl: the binary links statically.
FROM rust:1.95.0-alpine AS build
RUN apk add --no-cache build-base musl-dev perl
WORKDIR /src
# Dependencies first, so a source change does not rebuild them.
COPY Cargo.toml Cargo.lock rust-toolchain.toml ./
RUN mkdir src && echo 'fn main() {}' > src/main.rs && touch src/lib.rs \
    && cargo fetch --locked
COPY . .
RUN cargo build --release --locked \
    && cp target/release/fastio /fastio \
    && /fastio --version

# distroless/static: CA certificates, /tmp, and the `nonroot` user (65532); no shell.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /fastio /usr/local/bin/fastio
USER nonroot:nonroot
WORKDIR /data
ENTRYPOINT ["/usr/local/bin/fastio"]
