#!/bin/bash
# Recording 3: photo wallpaper (root window, feh), an xterm with a directory listing at right, and a 900x700 Chromium
# app window with the article page (page.html, photos) dragged around over the wallpaper and over the xterm with
# xdotool windowmove every 33 ms along one elliptical loop (420x170 px radii, 6-15 px per step),
# pointer following. The page is first scrolled 7 wheel notches so the coffee photo is in view. No window manager.
# Needs ./make-assets.sh and python3 make-page.py first.
# PATH_KIND=fling instead throws the window across and back (drag.py's "fling": 0 to ~53 px per step), recorded
# as window-fling-photo.
set -e
HERE=$(cd "$(dirname "$0")" && pwd)
cd /tmp/rec
PATH_KIND=${PATH_KIND:-loop}
NAME=window-drag-photo
[ "$PATH_KIND" = fling ] && NAME=window-fling-photo
export DISPLAY=:99
Xvfb :99 -screen 0 1920x1080x24 -nolisten tcp -noreset & XPID=$!
sleep 1.5
feh --no-fehbg --bg-fill /tmp/rec/wallpaper.png
xterm -geometry 96x36+1060+330 -fa 'DejaVu Sans Mono' -fs 10 -bg '#1e1e1e' -fg '#d0d0d0' \
  -e bash -c 'cd /usr/share/doc && ls -l --color=always | head -60; echo; df -h / /tmp; exec bash' & TPID=$!
sleep 1
PROF=$(mktemp -d /tmp/rec/chrome-prof.XXXX)
chromium --no-sandbox --disable-gpu --no-first-run --disable-background-networking --disable-component-update \
  --disable-sync --user-data-dir=$PROF --app=file:///tmp/rec/page.html --window-position=90,190 \
  --window-size=900,700 --force-device-scale-factor=1 >/tmp/rec/$NAME.chrome.log 2>&1 & CPID=$!
for i in $(seq 50); do xdotool search --onlyvisible --class chromium >/dev/null 2>&1 && break; sleep 0.3; done
sleep 4
WID=$(xdotool search --onlyvisible --class chromium | tail -1)
# scroll the page so the first photo (coffee) is in view, then go to the start of the drag path
xdotool mousemove 500 500; for k in 1 2 3 4 5 6 7; do xdotool click 5; sleep 0.15; done
sleep 1.5
xdotool windowmove $WID 90 190 mousemove 390 202
sleep 1.0
ffmpeg -v error -y -f x11grab -framerate 30 -video_size 1920x1080 -draw_mouse 1 -i :99 -t 6.3 -c:v rawvideo /dev/shm/$NAME.nut & FPID=$!
sleep 0.2
python3 "$HERE/drag.py" $WID 510 190 6.0 $PATH_KIND
wait $FPID
kill $CPID $TPID; sleep 1; kill $XPID; wait 2>/dev/null || true
rm -rf $PROF
ffmpeg -v error -y -i /dev/shm/$NAME.nut -c:v ffv1 /tmp/rec/$NAME.mkv
# keep frames as captured; drop the first 7 (still, before the drag starts), keep 180
ffmpeg -v error -y -i /dev/shm/$NAME.nut -fps_mode passthrough -vf trim=start_frame=7 -frames:v 180 -pix_fmt bgra -f rawvideo /tmp/rec/$NAME.bgra
rm -f /dev/shm/$NAME.nut
ls -la /tmp/rec/$NAME.bgra
