#!/bin/bash
# Shared assets: scaled real photos (scikit-image sample data), article page, wallpaper, Ken-Burns video.
set -e
mkdir -p /tmp/rec && cd /tmp/rec
D=$(python3 -c "import skimage,os;print(os.path.dirname(skimage.__file__))")/data
mkdir -p img
sc() { ffmpeg -v error -y -i "$D/$1" -vf "scale=$2:-2:flags=lanczos" -frames:v 1 "img/$3"; }
sc astronaut.png 640 astronaut.png
sc coffee.png 800 coffee.png
sc chelsea.png 720 chelsea.png
sc rocket.jpg 880 rocket.jpg
sc motorcycle_left.png 860 motorcycle.png
sc hubble_deep_field.jpg 700 hubble.jpg
# wallpaper 1920x1080 (photo, cover crop)
ffmpeg -v error -y -i "$D/motorcycle_left.png" -vf "scale=1920:1080:force_original_aspect_ratio=increase:flags=lanczos,crop=1920:1080" -frames:v 1 wallpaper.png
# Ken-Burns video 1280x720 30fps from 4 photos, 3 s each, 0.5 s crossfades
kb() { # src out zoomdir
  ffmpeg -v error -y -loop 1 -i "$D/$1" -vf "scale=3840:2160:force_original_aspect_ratio=increase,crop=3840:2160,zoompan=z='$3':x='iw/2-(iw/zoom/2)+($4)':y='ih/2-(ih/zoom/2)':d=90:s=1280x720:fps=30,format=yuv420p" -frames:v 90 -c:v libx264 -crf 16 "$2"
}
kb coffee.png kb1.mp4 "1+0.0025*on" "on*2"
kb astronaut.png kb2.mp4 "1.25-0.0025*on" "(0-on*3)"
kb rocket.jpg kb3.mp4 "1+0.003*on" "0"
kb chelsea.png kb4.mp4 "1.3-0.003*on" "on*2"
ffmpeg -v error -y -i kb1.mp4 -i kb2.mp4 -i kb3.mp4 -i kb4.mp4 -filter_complex \
 "[0][1]xfade=transition=fade:duration=0.5:offset=2.5[a];[a][2]xfade=transition=fade:duration=0.5:offset=5[b];[b][3]xfade=transition=fade:duration=0.5:offset=7.5,format=yuv420p[v]" \
 -map "[v]" -c:v libx264 -crf 16 -r 30 video.mp4
