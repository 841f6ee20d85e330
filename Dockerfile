# syntax=docker/dockerfile:1
# A static binary on a distroless base: no shell, no package manager,
# running as an unprivileged user.
#
#   docker build -t sweeper .
#   docker run -d --name sweeper \
#     -v /etc/sweeper/config.toml:/etc/sweeper/config.toml:ro \
#     -e SWEEPER_DB_PASSWORD -e SWEEPER_HASH_KEY -e SWEEPER_SMTP_PASSWORD \
#     -p 127.0.0.1:9464:9464 sweeper
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
ARG COMMIT=unknown
# CGO_ENABLED=0: a static binary (the SQLite driver is pure Go); the zone
# database is embedded (time/tzdata), as the runtime image has none.
RUN CGO_ENABLED=0 go build -trimpath \
      -ldflags "-s -w -X main.version=${VERSION} -X main.commit=${COMMIT}" \
      -o /out/sweeper ./cmd/sweeper

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/sweeper /usr/local/bin/sweeper
COPY templates /etc/sweeper/templates
ENV SWEEPER_CONFIG=/etc/sweeper/config.toml
USER nonroot:nonroot
EXPOSE 9464
# The image has no shell or curl: the binary checks itself.
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["/usr/local/bin/sweeper", "healthcheck"]
# Docker sends SIGTERM and waits 10 s: the sweeper stops within that.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/sweeper"]
CMD ["run"]
