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
RUN pip install --no-cache-dir .

RUN useradd --create-home norae
USER norae
EXPOSE 8080 9400
CMD ["norae", "up", "--no-worker"]
