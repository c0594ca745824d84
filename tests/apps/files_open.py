"""The checks of files_open.sh, in the directory it wrote: every NetCDF file opens with
xarray.open_dataset and netCDF4, root and every group; xarray and netCDF4 read the same values;
no variable is named like a dimension unless it is that dimension's 1-D coordinate; and each file
holds what its command promises (a shape, a value, a relation between variables).

usage: files_open.py DIR"""
import json
import math
import os
import sys

import netCDF4
import numpy as np
import xarray as xr

os.chdir(sys.argv[1])
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def is_netcdf(path):
    with open(path, "rb") as f:
        head = f.read(8)
    return head.startswith(b"\x89HDF\r\n\x1a\n") or head[:3] == b"CDF"


def groups(ds, prefix=""):
    """Paths of a netCDF4 dataset's groups: "" for the root, then "/training", "/sindy", ..."""
    out = [prefix]
    for name, sub in ds.groups.items():
        out += groups(sub, prefix + "/" + name)
    return out


def bad_names(ds):
    """Variables named like a visible dimension that are not its 1-D coordinate."""
    bad, g = [], ds
    visible = set()
    while g is not None:
        visible |= set(g.dimensions)
        g = g.parent
    for name, var in ds.variables.items():
        if name in visible and var.dimensions != (name,):
            bad.append(f"{name}{var.dimensions}")
    for sub in ds.groups.values():
        bad += bad_names(sub)
    return bad


# ---- every NetCDF file below DIR, whatever its name: opens with both libraries, the same values ----
files = sorted(os.path.join(r, f)[2:] for r, _, fs in os.walk(".") for f in fs if is_netcdf(os.path.join(r, f)))
opened = {}
for path in files:
    try:
        with netCDF4.Dataset(path) as nc:
            paths = groups(nc)
            bad = bad_names(nc)
            raw = {(g, v): np.asarray(nc[g + "/" + v][:] if g else nc[v][:]) for g in paths for v in (nc[g] if g else nc).variables}
    except Exception as e:  # noqa: BLE001 - any failure to open is the finding
        check(False, f"{path}: netCDF4 cannot open it: {e}")
        continue
    check(not bad, f"{path}: no variable is named like a dimension it is not the coordinate of{': ' + ', '.join(bad) if bad else ''}")
    for g in paths:
        try:
            ds = xr.open_dataset(path, group=g or None).load()
        except Exception as e:  # noqa: BLE001
            check(False, f"{path} group {g or '/'}: xarray.open_dataset fails: {type(e).__name__}: {e}")
            continue
        same = all(np.array_equal(np.asarray(ds[v].values), want, equal_nan=want.dtype.kind == "f") for (gg, v), want in raw.items() if gg == g)
        check(same and len(ds.variables) == sum(gg == g for gg, _ in raw), f"{path} group {g or '/'}: xarray opens it ({len(ds.variables)} variables, the values netCDF4 reads)")
        opened[(path, g)] = ds
check(len(files) >= 29, f"{len(files)} NetCDF files found (want every kind files_open.sh writes)")


def ds(path, group=""):
    if (path, group) not in opened:
        check(False, f"{path} group {group or '/'} was not opened")
        raise SystemExit(1)
    return opened[(path, group)]


def close(a, b, tol):
    return np.allclose(np.asarray(a), np.asarray(b), rtol=0, atol=tol)


# ---- references and families ----
p = ds("pendulum.nc")
check(p.theta.dims == ("t",) and p.theta.size == 51 and close(p.theta[0], p.attrs["theta0"], 1e-14) and close(p.t[-1], 1.0, 1e-14),
      f"pendulum.nc: theta(t) of 51 times from theta0 = {p.attrs['theta0']:.6f} to t = 1")
pf = ds("pendulum_family.nc")
check(pf.theta.dims == ("traj", "t") and pf.theta.shape == (3, 51) and close(pf.theta[:, 0], pf.theta0, 1e-14),
      "pendulum_family.nc: theta(traj, t) 3 x 51, each trajectory starting at its theta0")
h = ds("heat.nc")
x0, L = h.attrs["xmin"], h.attrs["xmax"] - h.attrs["xmin"]
check(h.u.dims == ("t", "x") and h.u.shape == (6, 16) and close(h.u[0], np.sin(math.pi * (h.x - x0) / L), 1e-12),
      "heat.nc: u(t, x) 6 x 16 with u(0, x) = sin(pi (x - xmin)/L)")
hf = ds("heat_family.nc")
check(hf.u.dims == ("sample", "t", "x") and hf.u.shape == (3, 6, 16) and close(hf.u[:, 0, :], hf.u0, 1e-12),
      "heat_family.nc: u(sample, t, x) 3 x 6 x 16 with u(t = 0) = u0")
n = ds("nls.nc")
check(n.h_re.shape == (6, 32) and n.h_im.dims == ("t", "x") and float(np.ptp(n.mass.values) / n.mass.values[0]) < 1e-8,
      f"nls.nc: h_re, h_im(t, x) 6 x 32, mass conserved to {float(np.ptp(n.mass.values) / n.mass.values[0]):.1e}")
nf = ds("nls_family.nc")
check(nf.h_re.shape == (2, 6, 32) and close(nf.h_re[:, 0, :], nf.h0_re, 1e-12) and close(nf.h_im[:, 0, :], nf.h0_im, 1e-12),
      "nls_family.nc: h(sample, t, x) 2 x 6 x 32 starting at h0")

# ---- image data ----
for name, nframes in (("frames.nc", 12), ("blob.nc", 48)):
    f = ds(name)
    check(f.image.dims == ("sample", "y", "x") and f.image.shape == (nframes, 12, 12) and f.image_tt.shape == f.image.shape and f.t.dims == ("sample",)
          and 0 <= float(f.image.min()) and float(f.image.max()) <= 1 + 1e-12, f"{name}: image(sample, y, x) {nframes} x 12 x 12 in [0, 1], with image_t, image_tt, t")


# ---- models: every parameter variable is its slice of theta ----
def model(name, params, problem=None):
    m = ds(name)
    names, off = list(m.param_name.values), m.param_offset.values
    ok = all(p in names for p in params)
    for i, pn in enumerate(names):
        v = m[pn].values
        ok = ok and np.array_equal(m.theta.values[off[i]:off[i] + v.size], v.ravel())
    if problem:
        ok = ok and m.attrs.get("problem") == problem
    check(ok and "model_spec" in m.attrs, f"{name}: {len(names)} parameters ({', '.join(params)} ...), each its slice of theta" + (f", problem {problem}" if problem else ""))
    return m


def training(name, columns_start, rows=None):
    t = ds(name, "/training")
    cols = t.history.attrs["columns"].split(",")
    ok = t.history.dims == ("history_row", "history_column") and cols[:len(columns_start)] == columns_start and t.history.shape[1] == len(cols)
    ok = ok and (rows is None or t.history.shape[0] == rows)
    check(ok, f"{name}: /training history(history_row, history_column) {t.history.shape}, columns {','.join(cols)}")
    return t


base = ["iteration", "elapsed_s", "loss"]
m = model("fit.nc", ["net.W1", "net.b2"])
check(m["net.W1"].shape == (5, 2), "fit.nc: net.W1 is 5 x 2 (-layers 2,5,1)")
training("fit.nc", base + ["data"])
for name, w1, problem in (("pinn_heat.nc", (5, 2), "heat"), ("pinn_pendulum.nc", (5, 1), "pendulum"), ("pinn_nls.nc", (5, 2), "nls")):
    m = model(name, ["net.W1"])
    check(m["net.W1"].shape == w1, f"{name}: net.W1 is {w1[0]} x {w1[1]}")
    training(name, base)
m = model("pendulum_g.nc", ["g"], "pendulum-g")
check(m.g.size == 1 and abs(float(m.g) - 9.81) < 0.5, f"pendulum_g.nc: g = {float(m.g):.4f} (data made with g = 9.81; within 0.5)")
model("iris.nc", ["net.W1"], "perceptron-iris")
model("linreg.nc", ["net.W1"], "linreg")
m = model("autoencoder.nc", ["code.W1", "recon.template"])
check(m["recon.template"].ndim == 3 and m["recon.template"].shape[0] == 1, f"autoencoder.nc: recon.template is one frame ({m['recon.template'].shape})")
training("autoencoder.nc", base)
m = model("pca.nc", ["code.components"])
sv = m["code.singular_values"].values
check(m["code.components"].shape == (3, 1, 12, 12) and np.all(np.diff(sv) <= 0), f"pca.nc: 3 components of 12 x 12, singular values {np.round(sv, 3)} descending")
for name in ("sindy.nc", "sweep_seed5.nc", "sweep_seed6.nc"):
    model(name, ["code.W1", "law.xi", "law.mask"])
    s = ds(name, "/sindy")
    terms = list(s.term_name.values)
    check(s.coefficient.dims == ("latent", "term") and s.coefficient.shape == (1, len(terms)) and terms[:3] == ["1", "z0", "dz0"]
          and set(np.unique(s["mask"].values)) <= {0.0, 1.0} and s.attrs["equation"].startswith("z0'' ="),
          f"{name}: /sindy coefficient(latent, term) over {len(terms)} terms, {s.attrs['equation'][:40]}...")
    check(s.coefficient_history.dims == ("epoch_row", "latent", "term") and s.history_iteration.size == s.coefficient_history.shape[0],
          f"{name}: /sindy coefficient_history(epoch_row, latent, term) {s.coefficient_history.shape}")

# ---- checkpoints: model files with the optimiser state ----
for ck, final in (("fit_checkpoint.nc", "fit.nc"), ("autoencoder_checkpoint.nc", "autoencoder.nc"), ("sindy_checkpoint.nc", "sindy.nc"), ("fno_checkpoint.nc", "fno.nc")):
    c, t = ds(ck), ds(ck, "/training")
    check(c.theta.size == ds(final).theta.size and t.optimizer_state.dims == ("optimizer_state",) and t.optimizer_state.size > 0 and t.attrs["iteration"] > 0,
          f"{ck}: {c.theta.size} parameters as {final}, optimizer_state of {t.optimizer_state.size} values at iteration {t.attrs['iteration']}")

# ---- eval output ----
e = ds("eval_points.nc")
check(e.y.dims == ("point",) and e.y.size == 40 and "y_a" in e and e.a.size == 40, "eval_points.nc: y(point) and y_a(point) at the 40 points of fit.csv")
e, h = ds("eval_grid.nc"), ds("heat.nc")
check(e.u.dims == ("t", "x") and e.u.shape == h.u.shape and close(e.x, h.x, 0), "eval_grid.nc: u(t, x) on heat.nc's grid")
for name, frames, latent in (("eval_autoencoder.nc", "frames.nc", 2), ("eval_pca.nc", "frames.nc", 3), ("eval_sindy.nc", "blob.nc", 1)):
    e, f = ds(name), ds(frames)
    check(e.image.shape == f.image.shape and e.code.dims == ("sample", "latent") and e.code.shape == (f.image.shape[0], latent),
          f"{name}: the reconstructions of {frames}'s {f.image.shape[0]} frames and their codes (sample, latent = {latent})")

# ---- validation reports: their metrics; any NetCDF file in them was opened above ----
for d in ("report_pinn", "report_autoencoder", "report_sindy"):
    inside = sorted(os.listdir(d))
    metrics = json.load(open(os.path.join(d, "metrics.json")))
    check("index.html" in inside and len(metrics) > 0, f"{d}: index.html and metrics.json; {sum(f.startswith(d + '/') for f in files)} NetCDF file(s) among its {len(inside)} files")

print(f"{len(failures)} check(s) failed" if failures else f"all checks passed: {len(files)} NetCDF files, {len(opened)} datasets opened")
sys.exit(1 if failures else 0)
