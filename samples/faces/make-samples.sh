#!/usr/bin/env bash
# Regenerates the 160x160 sample face crops in this folder from the source photos.
# Usage: samples/faces/make-samples.sh [PHOTOS_DIR]
#   PHOTOS_DIR defaults to samples/photos; a relative path is taken from the repository root.
# Needs ImageMagick (magick or convert). Crop boxes are x,y,w,h in source pixels (see ATTRIBUTION.md).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
src="${1:-samples/photos}"
case "$src" in /*) ;; *) src="$root/$src" ;; esac

if command -v magick >/dev/null 2>&1; then im=(magick); else im=(convert); fi

# output         source photo         x    y    w    h
crops='
family-1.jpg    obama_family.jpg     163   76   96   96
family-2.jpg    obama_family.jpg     236  103   82   82
family-3.jpg    obama_family.jpg     367   86   92   92
family-4.jpg    obama_family.jpg     445   88   90   90
portrait-1.jpg  biden_7mpx.jpg       645  460 1100 1100
group-1.jpg     group_10mpx.jpg      589  922  112  112
group-2.jpg     group_10mpx.jpg      845  927  116  116
group-3.jpg     group_10mpx.jpg     1319  942  116  116
group-4.jpg     group_10mpx.jpg     1547  987  116  116
group-5.jpg     group_10mpx.jpg     1792  988  116  116
group-6.jpg     group_10mpx.jpg     2059  962  116  116
group-7.jpg     group_10mpx.jpg     2324  946  116  116
'

while read -r out photo x y w h; do
  [ -n "${out:-}" ] || continue
  "${im[@]}" "$src/$photo" -auto-orient -crop "${w}x${h}+${x}+${y}" +repage \
    -resize '160x160!' -strip -quality 90 "$here/$out"
  echo "$out <- $photo ${x},${y},${w},${h}"
done <<<"$crops"
