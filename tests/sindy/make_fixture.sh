#!/bin/bash
# The fixture of the SINDy validation tests, in DIR (replaced):
#   train.nc, val.nc   blob frames of 16 x 16, g = l = 1, 6 and 3 trajectories of 50 frames (seeds 1, 2)
#   model.nc           train sindy-ae on train.nc: widths 16, 40 epochs, thresholding every 10
#                      (threshold 0.3: most terms go), 10 refine epochs (a few seconds)
#   sin.nc             model.nc with its law set to z0'' = -sin(z0) (set_law.py): a law whose
#                      period from any encoded state is known, 4 K(sin(z_max/2))
#   flat.nc            model.nc with the law z0'' = -0.5: it does not oscillate
#   ae.nc              an autoencoder on the same frames (not a SINDy autoencoder)
# Usage: make_fixture.sh PHYNN DIR SOURCE_DIR
set -eu
PHYNN=$1 DIR=$2 SRC=$3
rm -rf "$DIR" && mkdir -p "$DIR" && cd "$DIR"
"$PHYNN" solve pendulum-images -render blob -nx 16 -ny 16 -ntraj 6 -g 1 -tf 9.9 -nt 50 -seed 1 -o train.nc -quiet
"$PHYNN" solve pendulum-images -render blob -nx 16 -ny 16 -ntraj 3 -g 1 -tf 9.9 -nt 50 -seed 2 -o val.nc -quiet
"$PHYNN" train sindy-ae -data train.nc -widths 16 -epochs 40 -threshold_every 10 -threshold 0.3 -refine_epochs 10 -batch 100 -lr 1e-2 -quiet -o model.nc > train.out
cp model.nc sin.nc && /usr/bin/python3 "$SRC/set_law.py" sin.nc 'sin(z0)=-1'
cp model.nc flat.nc && /usr/bin/python3 "$SRC/set_law.py" flat.nc '1=-0.5'
"$PHYNN" train autoencoder -data val.nc -latent 1 -max_it 2 -lbfgs_it 0 -quiet -o ae.nc > /dev/null
echo "fixture in $DIR:"; ls -l
