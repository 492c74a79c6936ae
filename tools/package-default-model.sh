#!/usr/bin/env bash
# Copies a checkpoint written by `ser train` into ser-model's resources as the bundled default
# SpeechLM (io/ser4j/model/default/) and writes files.sha256, the index BundledSpeechLm extracts from.
# Usage: tools/package-default-model.sh CHECKPOINT_DIR
set -euo pipefail
src="${1:?usage: $0 CHECKPOINT_DIR}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dst="$here/ser-model/src/main/resources/io/ser4j/model/default"
rm -rf "$dst"
mkdir -p "$dst"
for f in config.json generation_config.json model.safetensors tokenizer.json tokenizer_config.json training.json; do
  cp "$src/$f" "$dst/$f"
done
(cd "$dst" && sha256sum config.json generation_config.json model.safetensors tokenizer.json tokenizer_config.json training.json > files.sha256)
du -sh "$dst"
cat "$dst/files.sha256"
