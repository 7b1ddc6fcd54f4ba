#!/bin/bash
# Recording 1: Chromium (app window, 1920x1080) showing page.html (article with 6 real photos), scrolled with mouse wheel.
# Needs: ./make-assets.sh and python3 make-page.py run first.
set -e
cd /tmp/rec
NAME=photo-page-scroll
export DISPLAY=:99
Xvfb :99 -screen 0 1920x1080x24 -nolisten tcp & XPID=$!
sleep 1.5
PROF=$(mktemp -d /tmp/rec/chrome-prof.XXXX)
chromium --no-sandbox --disable-gpu --no-first-run --disable-background-networking --disable-component-update \
  --disable-sync --user-data-dir=$PROF --app=file:///tmp/rec/page.html --window-position=0,0 \
  --window-size=1920,1080 --force-device-scale-factor=1 >/tmp/rec/$NAME.chrome.log 2>&1 & CPID=$!
# wait for the window, then let it render
for i in $(seq 50); do xdotool search --onlyvisible --class chromium >/dev/null 2>&1 && break; sleep 0.3; done
sleep 4
xdotool mousemove 960 600
ffmpeg -v error -y -f x11grab -framerate 30 -video_size 1920x1080 -draw_mouse 1 -i :99 -t 6.5 -c:v ffv1 /tmp/rec/$NAME.mkv & FPID=$!
sleep 1.0
# read, scroll a few notches, pause, like a person reading
for burst in 3 2 4 3 2; do
  for k in $(seq $burst); do xdotool click 5; sleep 0.12; done
  sleep 0.8
done
wait $FPID
kill $CPID; sleep 1; kill $XPID; wait 2>/dev/null || true
rm -rf $PROF
# keep frames as captured (no CFR dup/drop); drop the first 12 (still page, scrolling starts ~frame 27), keep 180
ffmpeg -v error -y -i /tmp/rec/$NAME.mkv -fps_mode passthrough -vf trim=start_frame=12 -frames:v 180 -pix_fmt bgra -f rawvideo /tmp/rec/$NAME.bgra
ls -la /tmp/rec/$NAME.bgra
