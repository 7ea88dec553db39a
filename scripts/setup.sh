#!/usr/bin/env bash
# Installs what webgpu-layers needs on a fresh Debian/Ubuntu machine without a GPU, then the npm packages.
#  - chromium: ships SwiftShader, a Vulkan software driver (/usr/lib/chromium/vk_swiftshader_icd.json),
#    and is the browser for the browser tests; libvulkan1: the Vulkan loader Dawn opens.
#  - libegl1 libegl-mesa0 libgles2 libgl1-mesa-dri: Mesa llvmpipe through OpenGL ES, the faster software adapter.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(chromium libvulkan1 libegl1 libegl-mesa0 libgles2 libgl1-mesa-dri)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# No downloads at install time: Playwright drives Debian's chromium, and onnxruntime-node (a benchmark peer)
# ships its CPU binaries in the npm package.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 ONNXRUNTIME_NODE_INSTALL=skip
npm ci --no-audit --no-fund
