"""Copies a phynn model file into the early format-2 layout, whose history's row dimension is
`history` (history(history, history_column), which xarray refuses), for files_open.sh to check
that phynn still reads such files. (netCDF4's renameDimension cannot do this in place: renaming a
dimension to the name of an existing variable loses the variable's data.)

usage: early_layout.py MODEL.nc OUT.nc"""
import sys

import netCDF4


def copy(src, dst, rename):
    dst.setncatts({k: src.getncattr(k) for k in src.ncattrs()})
    for name, d in src.dimensions.items():
        dst.createDimension(rename.get(name, name), None if d.isunlimited() else len(d))
    for name, v in src.variables.items():
        w = dst.createVariable(name, v.datatype, tuple(rename.get(n, n) for n in v.dimensions))
        w.setncatts({k: v.getncattr(k) for k in v.ncattrs()})
        if v.size:
            w[:] = v[:]
    for name, g in src.groups.items():
        copy(g, dst.createGroup(name), rename)


with netCDF4.Dataset(sys.argv[1]) as s, netCDF4.Dataset(sys.argv[2], "w") as d:
    copy(s, d, {"history_row": "history"})
