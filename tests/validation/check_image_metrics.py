"""An independent computation of `phynn validate`'s numbers for an image model (numpy, netCDF4).

    check_image_metrics.py REPORT/metrics.json FRAMES.nc RECON.nc TRAIN.out [PCA.nc]

RECON.nc is `phynn eval MODEL.nc -in FRAMES.nc -o RECON.nc` (every frame's reconstruction and
code from the clean input); TRAIN.out is what `phynn train autoencoder` printed. Checked, with the
held-out frames metrics.json lists:
  - mae, mse, rel_l2, max_abs of heldout and all, against the frames (1e-9 relative);
  - the held-out split is the training's: its MAE equals the printed heldout_mae (7 digits);
  - the correlation of each latent with theta (1e-9), the cubic fit's RMS (numpy.polyfit, 1e-6)
    and the isotonic fit's RMS (pool adjacent violators written here, 1e-9 absolute);
  - with PCA.nc: the held-out MAE of PCA truncated to k = 1..K from its parameters (1e-9), the
    smallest k that matches the model, and that x^_K equals the model's own reconstruction.
Prints one line per check; exits 1 if any fails."""
import json
import sys

import netCDF4
import numpy as np

metrics_path, frames_path, recon_path, train_out = sys.argv[1:5]
pca_path = sys.argv[5] if len(sys.argv) > 5 else None
m = json.load(open(metrics_path))
failed = False


def check(ok, what):
    global failed
    print(("ok   " if ok else "FAIL ") + what)
    failed |= not ok


def rel(a, b):
    return abs(a - b) / max(abs(b), 1e-300)


def read(path, var):
    with netCDF4.Dataset(path) as f:
        f.set_auto_mask(False)
        return np.array(f[var][:], dtype=float)


x = read(frames_path, "image")
xr = read(recon_path, "image")
code = read(recon_path, "code")
theta = read(frames_path, "theta")
n = len(x)
held = np.array(m["split"]["heldout_frames"], dtype=int)
check(m["split"]["heldout_count"] == len(held) == round(m["split"]["holdout"] * n), "held out: %d of %d frames" % (len(held), n))

comps = {c["name"]: c for c in m["components"]}
for name, idx in (("heldout", held), ("all", np.arange(n))):
    e = (xr[idx] - x[idx]).ravel()
    want = {"mae": np.abs(e).mean(), "mse": (e * e).mean(), "rel_l2": np.linalg.norm(e) / np.linalg.norm(x[idx].ravel()), "max_abs": np.abs(e).max()}
    for k, w in want.items():
        got = comps[name][k]
        check(rel(got, w) < 1e-9, "%s[%s] = %.12e, numpy %.12e (relative %.1e, tolerance 1e-9)" % (k, name, got, w, rel(got, w)))
    check(comps[name]["count"] == len(idx), "%s counts %d frames" % (name, len(idx)))

printed = dict(l.split(": ", 1) for l in open(train_out).read().splitlines() if ": " in l)
r = rel(comps["heldout"]["mae"], float(printed["heldout_mae"]))
check(r < 1e-6, "the split is the training's: mae[heldout] %.7e vs heldout_mae %s printed by train autoencoder (relative %.1e, tolerance 1e-6)" % (comps["heldout"]["mae"], printed["heldout_mae"], r))

lt = m["latent"]["theta"]
for k in range(code.shape[1]):
    w = np.corrcoef(code[:, k], theta)[0, 1]
    check(rel(lt["correlation"][k], w) < 1e-9, "correlation of z%d with theta %.12f, numpy %.12f" % (k + 1, lt["correlation"][k], w))
fit = lt["fit"]
j = m["latent"]["names"].index(fit["latent"])
check(j == int(np.nanargmax(np.abs(lt["correlation"]))), "the fit is on %s, the latent most correlated with theta" % fit["latent"])
z = code[:, j]
p = np.polyfit(z, theta, fit["degree"])
w = np.sqrt(np.mean((np.polyval(p, z) - theta) ** 2))
check(rel(fit["rms"], w) < 1e-6, "polynomial fit degree %d: RMS %.9e, numpy.polyfit %.9e (relative %.1e, tolerance 1e-6)" % (fit["degree"], fit["rms"], w, rel(fit["rms"], w)))
slope = np.polyval(np.polyder(p), np.linspace(z.min(), z.max(), 2001))
check(fit["monotone"] == bool(np.all(slope >= 0) or np.all(slope <= 0)), "monotone: %s" % fit["monotone"])


def pav(y):  # the best non-decreasing fit of y (in z order), by pooling adjacent violators
    blocks = []
    for v in y:
        blocks.append([v, 1])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] > blocks[-1][0] / blocks[-1][1]:
            s, c = blocks.pop()
            blocks[-1][0] += s
            blocks[-1][1] += c
    return np.concatenate([np.full(c, s / c) for s, c in blocks])


order = np.lexsort((np.arange(n), z))
ys = theta[order]
iso = min(np.sqrt(np.mean((pav(ys) - ys) ** 2)), np.sqrt(np.mean((-pav(-ys) - ys) ** 2)))
got = fit["isotonic"]["rms"]
check(abs(got - iso) < 1e-9, "isotonic fit: RMS %.9e, here %.9e" % (got, iso))

if pca_path:
    b = m["baseline"]
    mean = read(pca_path, "code.mean")[0].ravel()
    C = read(pca_path, "code.components")
    K = len(C)
    C = C.reshape(K, -1)
    xh = x[held].reshape(len(held), -1)
    zc = (xh - mean) @ C.T
    mae = [np.abs(mean + zc[:, :k] @ C[:k] - xh).mean() for k in range(1, K + 1)]
    worst = max(rel(g, w) for g, w in zip(b["mae"], mae))
    check(len(b["mae"]) == K and worst < 1e-9, "PCA truncated to k = 1..%d: held-out MAE %s, numpy agrees to %.1e (tolerance 1e-9)" % (K, ", ".join("%.4g" % v for v in mae), worst))
    match = next((k for k in range(1, K + 1) if mae[k - 1] <= comps["heldout"]["mae"]), None)
    want = match if match else "none up to %d" % K
    check(b["smallest_k_matching"] == want and b["model_mae"] == comps["heldout"]["mae"], "smallest k with PCA as good as the model (MAE %.4g): %s" % (comps["heldout"]["mae"], b["smallest_k_matching"]))
    check(b["check_max_abs"] < 1e-12, "x^_K equals the PCA model's own reconstruction to %.1e (tolerance 1e-12)" % b["check_max_abs"])
sys.exit(1 if failed else 0)
