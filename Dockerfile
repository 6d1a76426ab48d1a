# One image for every norae process; the compose file picks the command.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update \
    && apt-get install -y --no-install-recommends libsndfile1 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# torch first: TORCH_SPEC picks the build (the default wheel carries CUDA for GPU workers).
ARG TORCH_SPEC="torch==2.13.0"
RUN pip install --no-cache-dir "${TORCH_SPEC}"
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY cogs ./cogs
COPY models ./models
COPY storage ./storage
COPY contract ./contract
RUN pip install --no-cache-dir .
# The default generator (Gemma 3 270M, Gemma Terms of Use) is prepared into the image once, so no
# worker spends its first minutes converting it.
ENV NORAE_DATA_DIR=/app/.data
RUN norae models prepare && chmod -R a+rX /app/.data

RUN useradd --create-home norae
USER norae
EXPOSE 8080 9400
CMD ["norae", "up", "--no-worker"]
