"""An independent computation of `phynn validate`'s numbers for a SINDy autoencoder (numpy,
netCDF4; scipy for the integration).

    check_sindy_metrics.py REPORT/metrics.json MODEL.nc DATA.nc [--law-known]

From the model file's spec and weights (dense MLPs, src/blocks: a = x W^T + b, W (out, in)) the
encoder and the decoder are re-implemented here with their second-order jets along the
trajectory (value, d/dt, d2/dt2 pushed through each layer: a' = W x', a'' = W x''; through an
activation s: y' = s'(a) a', y'' = s''(a) a'^2 + s'(a) a''), and the SINDy library from its term
names. Checked:
  - rel_sq of x, x_tt, z_tt over every frame (1e-9 relative);
  - each trajectory's initial state (the encoder's z, z' at its first frame; 1e-9);
  - the true amplitude and period from theta0, omega0, g/l (AGM, 1e-12);
  - the law integrated here from that state (scipy DOP853, rtol 1e-13) and decoded: each
    trajectory's rel_sq of the simulation and rel_sq[sim] (1e-6 relative), when the law stays
    finite over the frames' times;
  - with --law-known (a model whose law is z0'' = c sin(z0), c < 0, e.g. set by set_law.py): the
    discovered period equals the pendulum period of that law from the reported initial state,
    4 K(sin(z_max/2)) / sqrt(-c), to 1e-6 relative, and period_err = |T - T_true| / T_true.
Prints one line per check; exits 1 if any fails."""
import json
import math
import sys

import netCDF4
import numpy as np

report, model_path, data_path = sys.argv[1:4]
law_known = "--law-known" in sys.argv[4:]
bad = 0


def check(what, got, want, rtol, atol=0.0):
    global bad
    got, want = np.asarray(got, float), np.asarray(want, float)
    err = np.abs(got - want)
    tol = atol + rtol * np.abs(want)
    ok = bool(np.all(err <= tol))
    worst = float(np.max(err / np.maximum(np.abs(want), 1e-300))) if err.size else 0.0
    print("%s %s (max relative difference %.2e)" % ("ok  " if ok else "FAIL", what, worst))
    bad |= not ok


d = json.load(open(report))
m = netCDF4.Dataset(model_path)
spec = m.getncattr("model_spec")


def mlp(name):
    for line in spec.splitlines():
        w = line.split()
        if w and w[0] == "mlp" and w[1].startswith(name + "("):
            keys = dict(kv.split("=") for kv in w[2:])
            sizes = [int(s) for s in keys["sizes"].split(",")]
            layers = [(np.array(m["%s.W%d" % (name, k)][:]), np.array(m["%s.b%d" % (name, k)][:]).ravel()) for k in range(1, len(sizes))]
            return layers, keys["act"], keys.get("out", "identity")
    sys.exit("no mlp %s in the spec" % name)


def act(kind, a):
    """s(a), s'(a), s''(a)"""
    if kind == "identity":
        return a, np.ones_like(a), np.zeros_like(a)
    if kind == "sigmoid":
        s = 1 / (1 + np.exp(-a))
        return s, s * (1 - s), s * (1 - s) * (1 - 2 * s)
    if kind == "tanh":
        t = np.tanh(a)
        return t, 1 - t * t, -2 * t * (1 - t * t)
    if kind == "softplus":
        s = 1 / (1 + np.exp(-a))
        return np.logaddexp(0, a), s, s * (1 - s)
    if kind == "sine":
        return np.sin(a), np.cos(a), -np.sin(a)
    sys.exit("activation %s not implemented here" % kind)


def jet(net, x0, x1, x2):
    layers, hidden, out = net
    for k, (W, b) in enumerate(layers):
        a0, a1, a2 = x0 @ W.T + b, x1 @ W.T, x2 @ W.T
        s, ds, dds = act(hidden if k + 1 < len(layers) else out, a0)
        x0, x1, x2 = s, ds * a1, dds * a1 * a1 + ds * a2
    return x0, x1, x2


enc, dec = mlp("code"), mlp("recon")
names = [str(t) for t in m["sindy"]["term_name"][:]]
theta_all = np.array(m["theta"][:])
off = {str(n): int(o) for n, o in zip(m["param_name"][:], m["param_offset"][:])}
L = int(m["law.xi"].shape[0])
T = len(names)
xi = (theta_all[off["law.xi"]:off["law.xi"] + L * T] * theta_all[off["law.mask"]:off["law.mask"] + L * T]).reshape(L, T)
order = d["law"]["order"]
assert order == 2, "this check is written for order 2"
check("coefficients in metrics.json are the model's masked xi", np.array(d["law"]["coefficients"]), xi, 0, 0)


def library(z, dz):
    """Theta (n x T) from the term names: 1, z0^2*dz0, sin(z0), cos(dz0)"""
    var = {}
    for j in range(L):
        var["z%d" % j], var["dz%d" % j] = z[:, j], dz[:, j]
    cols = []
    for t in names:
        if t == "1":
            cols.append(np.ones(len(z)))
        elif t.startswith("sin("):
            cols.append(np.sin(var[t[4:-1]]))
        elif t.startswith("cos("):
            cols.append(np.cos(var[t[4:-1]]))
        else:
            c = np.ones(len(z))
            for f in t.split("*"):
                v, _, p = f.partition("^")
                c = c * var[v] ** (int(p) if p else 1)
            cols.append(c)
    return np.stack(cols, axis=1)


f = netCDF4.Dataset(data_path)
X = np.array(f["image"][:], float).reshape(len(f.dimensions["sample"]), -1)
Xt = np.array(f["image_t"][:], float).reshape(X.shape)
Xtt = np.array(f["image_tt"][:], float).reshape(X.shape)
tt = np.array(f["t"][:], float)
z, dz, ddz = jet(enc, X, Xt, Xtt)
model = library(z, dz) @ xi.T
r0, _, r2 = jet(dec, z, dz, model)
rel = {"x": ((X - r0) ** 2).sum() / (X ** 2).sum(), "x_tt": ((Xtt - r2) ** 2).sum() / (Xtt ** 2).sum(), "z_tt": ((ddz - model) ** 2).sum() / (ddz ** 2).sum()}
for k in ("x", "x_tt", "z_tt"):
    check("rel_sq[%s] = %.6e (numpy %.6e)" % (k, d["rel_sq"][k], rel[k]), d["rel_sq"][k], rel[k], 1e-9)

w2 = f.getncattr("g") / f.getncattr("l")


def agm_k(k):
    a, b = 1.0, math.sqrt(1 - k * k)
    for _ in range(60):
        a, b = (a + b) / 2, math.sqrt(a * b)
    return math.pi / (2 * a)


try:
    from scipy.integrate import solve_ivp
except ImportError:  # scripts/install-deps.sh installs python3-scipy: a missing one is a failure, not a skip
    print("FAIL: scipy is not installed (python3-scipy, scripts/install-deps.sh); the integration checks cannot run")
    sys.exit(1)

num = den = 0.0
sim_all_finite = True
for tr in d["trajectories"]:
    a, n = tr["first_frame"], tr["frames"]
    check("%s: initial state (z, z') = encoder at frame %d" % (tr["name"], a), tr["initial_state"], [z[a, 0], dz[a, 0]], 1e-9, 1e-12)
    th0, om0 = f["theta"][a], f["omega"][a]
    c = math.cos(th0) - om0 * om0 / (2 * w2)
    amp = math.acos(c)
    Ttrue = 4 * agm_k(math.sin(amp / 2)) / math.sqrt(w2)
    check("%s: amplitude %.6f and true period %.6f" % (tr["name"], amp, Ttrue), [tr["amplitude"], tr["true_period"]], [amp, Ttrue], 1e-12)
    if law_known:
        cs = xi[0, names.index("sin(z0)")]
        z0, v0 = tr["initial_state"]
        zm = math.acos(math.cos(z0) - v0 * v0 / (2 * -cs))
        Tlaw = 4 * agm_k(math.sin(zm / 2)) / math.sqrt(-cs)
        per = tr["period"]
        ok = per["status"] == "oscillates"
        print("%s %s: the law oscillates" % ("ok  " if ok else "FAIL", tr["name"]))
        bad |= not ok
        if ok:
            check("%s: discovered period %.9f = 4 K(sin(z_max/2)) / sqrt(%g) = %.9f" % (tr["name"], per["discovered"], -cs, Tlaw), per["discovered"], Tlaw, 1e-6)
            check("%s: period_err = |T - T_true| / T_true" % tr["name"], per["period_err"], abs(Tlaw - Ttrue) / Ttrue, 1e-6)
    ts = tt[a:a + n]

    def rhs(t, y):
        return [y[1], float(library(np.array([[y[0]]]), np.array([[y[1]]])) @ xi[0])]

    sol = solve_ivp(rhs, (ts[0], ts[-1]), tr["initial_state"], method="DOP853", t_eval=ts, rtol=1e-13, atol=1e-13)
    if tr["simulation"]["status"] != "ok" or not sol.success or not np.all(np.isfinite(sol.y)) or np.max(np.abs(sol.y)) > 1e6:
        sim_all_finite = False
        ok = tr["simulation"]["status"] != "ok" and tr["simulation"]["rel_sq"] is None
        print("%s %s: the law leaves every bound over the frames' times (%s here, %s in the report; rel_sq null)" % ("ok  " if ok else "FAIL", tr["name"], "blows up" if not sol.success or not np.all(np.isfinite(sol.y)) or np.max(np.abs(sol.y)) > 1e6 else "finite", tr["simulation"]["status"]))
        bad |= not ok
        continue
    zs = sol.y[0][:, None]
    xs, _, _ = jet(dec, zs, np.zeros_like(zs), np.zeros_like(zs))
    e = ((X[a:a + n] - xs) ** 2).sum()
    s = (X[a:a + n] ** 2).sum()
    num, den = num + e, den + s
    check("%s: rel_sq of the decoded simulation %.6e (scipy + numpy %.6e)" % (tr["name"], tr["simulation"]["rel_sq"], e / s), tr["simulation"]["rel_sq"], e / s, 1e-6)
    check("%s: mse of the simulation at t0 = the reconstruction's" % tr["name"], tr["simulation"]["mse"][0], tr["simulation"]["recon_mse"][0], 1e-12)
if sim_all_finite:
    check("rel_sq[sim] = %.6e (scipy + numpy %.6e)" % (d["rel_sq"]["sim"], num / den), d["rel_sq"]["sim"], num / den, 1e-6)
sys.exit(bad)
