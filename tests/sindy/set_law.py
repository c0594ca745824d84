"""Sets the law of a SINDy-autoencoder model file: law.xi and law.mask (in theta, the
authoritative copy, and in their per-parameter copies), so the discovered equation is known.

    set_law.py MODEL.nc TERM=COEF[,TERM=COEF...]      e.g. 'sin(z0)=-1'

Every other coefficient becomes 0 with mask 0 (latent 0; 'zJ:TERM=COEF' for latent J). The
/sindy group's coefficient and mask are set to match; its equation attribute is left alone (the
report recomputes the equation from theta and says when the recorded one differs)."""
import sys

import netCDF4
import numpy as np

path, spec = sys.argv[1], sys.argv[2]
with netCDF4.Dataset(path, "r+") as f:
    names = [str(n) for n in f["param_name"][:]]
    off = {n: int(o) for n, o in zip(names, f["param_offset"][:])}
    terms = [str(t) for t in f["sindy"]["term_name"][:]] if "sindy" in f.groups else None
    xi_v, mask_v = f["law.xi"], f["law.mask"]
    L, T = xi_v.shape
    if terms is None:
        sys.exit("set_law.py: %s has no /sindy/term_name" % path)
    xi = np.zeros((L, T))
    for item in spec.split(","):
        name, value = item.rsplit("=", 1)
        j = 0
        if ":" in name:
            lat, name = name.split(":", 1)
            j = int(lat.lstrip("z"))
        xi[j, terms.index(name)] = float(value)
    mask = (xi != 0).astype(float)
    theta = f["theta"][:]
    theta[off["law.xi"]:off["law.xi"] + L * T] = xi.ravel()
    theta[off["law.mask"]:off["law.mask"] + L * T] = mask.ravel()
    f["theta"][:] = theta
    xi_v[:] = xi
    mask_v[:] = mask
    f["sindy"]["coefficient"][:] = xi
    f["sindy"]["mask"][:] = mask
