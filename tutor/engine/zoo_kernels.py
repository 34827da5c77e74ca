# GENERATED FILE - DO NOT EDIT. Written by scripts/gen_zoo.py from tutor/engine/zoo.toml.
# Regenerate with `python scripts/gen_zoo.py`; `python scripts/gen_zoo.py --check` tells if stale.
"""Compiled value, gradient and Hessian of every zoo function, plus integer-id dispatchers.

Per function NAME: NAME_value(x), NAME_grad(x, out), NAME_hess(x, out), with x a float64 array of
length dim. Data-defined losses also have NAME_batch_value(x, idx) and NAME_batch_grad(x, idx, out)
averaging over the int64 sample indices idx. The dispatchers value, grad, hess, batch_value,
batch_grad and value_grid switch on the function id (its position in zoo.toml and in NAMES) so
that jitted loops can run any zoo function.
"""

import math

import numpy as np

from tutor.engine.jit import kernel

NAMES = (
    "quadratic",
    "xsinx",
    "xcospix",
    "risk",
    "empirical_risk",
    "cubic",
    "tanh",
    "saddle",
    "bowl",
    "rosenbrock",
    "beale",
    "himmelblau",
    "booth",
    "elliptic",
    "linreg",
)
DIMS = np.array([1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2], dtype=np.int64)


@kernel
def quadratic_value(x):
    # x**2 - 4*x + 6
    v_x = x[0]
    return v_x**2 - 4*v_x + 6


@kernel
def quadratic_grad(x, out):
    # gradient, differentiated by SymPy
    v_x = x[0]
    out[0] = 2*v_x - 4


@kernel
def quadratic_hess(x, out):
    # Hessian, differentiated by SymPy
    out[0, 0] = 2


@kernel
def xsinx_value(x):
    # x*sin(x)
    v_x = x[0]
    return v_x*math.sin(v_x)


@kernel
def xsinx_grad(x, out):
    # gradient, differentiated by SymPy
    v_x = x[0]
    out[0] = v_x*math.cos(v_x) + math.sin(v_x)


@kernel
def xsinx_hess(x, out):
    # Hessian, differentiated by SymPy
    v_x = x[0]
    out[0, 0] = -v_x*math.sin(v_x) + 2*math.cos(v_x)


@kernel
def xcospix_value(x):
    # x*cos(pi*x)
    v_x = x[0]
    return v_x*math.cos(math.pi*v_x)


@kernel
def xcospix_grad(x, out):
    # gradient, differentiated by SymPy
    v_x = x[0]
    t0 = math.pi*v_x
    out[0] = -t0*math.sin(t0) + math.cos(t0)


@kernel
def xcospix_hess(x, out):
    # Hessian, differentiated by SymPy
    v_x = x[0]
    t0 = math.pi*v_x
    out[0, 0] = -math.pi**2*v_x*math.cos(t0) - 2*math.pi*math.sin(t0)


@kernel
def risk_value(x):
    # x*cos(pi*x)
    v_x = x[0]
    return v_x*math.cos(math.pi*v_x)


@kernel
def risk_grad(x, out):
    # gradient, differentiated by SymPy
    v_x = x[0]
    t0 = math.pi*v_x
    out[0] = -t0*math.sin(t0) + math.cos(t0)


@kernel
def risk_hess(x, out):
    # Hessian, differentiated by SymPy
    v_x = x[0]
    t0 = math.pi*v_x
    out[0, 0] = -math.pi**2*v_x*math.cos(t0) - 2*math.pi*math.sin(t0)


@kernel
def empirical_risk_value(x):
    # x*cos(pi*x) + 0.2*cos(5*pi*x)
    v_x = x[0]
    t0 = math.pi*v_x
    return v_x*math.cos(t0) + (1/5)*math.cos(5*t0)


@kernel
def empirical_risk_grad(x, out):
    # gradient, differentiated by SymPy
    v_x = x[0]
    t0 = math.pi*v_x
    out[0] = -t0*math.sin(t0) - math.pi*math.sin(5*t0) + math.cos(t0)


@kernel
def empirical_risk_hess(x, out):
    # Hessian, differentiated by SymPy
    v_x = x[0]
    t0 = math.pi*v_x
    t1 = math.pi**2
    out[0, 0] = -t1*v_x*math.cos(t0) - 5*t1*math.cos(5*t0) - 2*math.pi*math.sin(t0)


@kernel
def cubic_value(x):
    # x**3
    v_x = x[0]
    return v_x**3


@kernel
def cubic_grad(x, out):
    # gradient, differentiated by SymPy
    v_x = x[0]
    out[0] = 3*v_x**2


@kernel
def cubic_hess(x, out):
    # Hessian, differentiated by SymPy
    v_x = x[0]
    out[0, 0] = 6*v_x


@kernel
def tanh_value(x):
    # tanh(x)
    v_x = x[0]
    return math.tanh(v_x)


@kernel
def tanh_grad(x, out):
    # gradient, differentiated by SymPy
    v_x = x[0]
    out[0] = 1 - math.tanh(v_x)**2


@kernel
def tanh_hess(x, out):
    # Hessian, differentiated by SymPy
    v_x = x[0]
    t0 = math.tanh(v_x)
    out[0, 0] = -t0*(2 - 2*t0**2)


@kernel
def saddle_value(x):
    # x**2 - y**2
    v_x = x[0]
    v_y = x[1]
    return v_x**2 - v_y**2


@kernel
def saddle_grad(x, out):
    # gradient, differentiated by SymPy
    v_x = x[0]
    v_y = x[1]
    out[0] = 2*v_x
    out[1] = -2*v_y


@kernel
def saddle_hess(x, out):
    # Hessian, differentiated by SymPy
    out[0, 0] = 2
    out[0, 1] = 0
    out[1, 0] = out[0, 1]
    out[1, 1] = -2


@kernel
def bowl_value(x):
    # 3*(x - 2)**2 + (y - 2)**2
    v_x = x[0]
    v_y = x[1]
    return 3*(v_x - 2)**2 + (v_y - 2)**2


@kernel
def bowl_grad(x, out):
    # gradient, differentiated by SymPy
    v_x = x[0]
    v_y = x[1]
    out[0] = 6*v_x - 12
    out[1] = 2*v_y - 4


@kernel
def bowl_hess(x, out):
    # Hessian, differentiated by SymPy
    out[0, 0] = 6
    out[0, 1] = 0
    out[1, 0] = out[0, 1]
    out[1, 1] = 2


@kernel
def rosenbrock_value(x):
    # (1 - x)**2 + 100*(y - x**2)**2
    v_x = x[0]
    v_y = x[1]
    return (1 - v_x)**2 + 100*(-v_x**2 + v_y)**2


@kernel
def rosenbrock_grad(x, out):
    # gradient, differentiated by SymPy
    v_x = x[0]
    v_y = x[1]
    t0 = v_x**2
    out[0] = -400*v_x*(-t0 + v_y) + 2*v_x - 2
    out[1] = -200*t0 + 200*v_y


@kernel
def rosenbrock_hess(x, out):
    # Hessian, differentiated by SymPy
    v_x = x[0]
    v_y = x[1]
    out[0, 0] = 1200*v_x**2 - 400*v_y + 2
    out[0, 1] = -400*v_x
    out[1, 0] = out[0, 1]
    out[1, 1] = 200


@kernel
def beale_value(x):
    # (1.5 - x + x*y)**2 + (2.25 - x + x*y**2)**2 + (2.625 - x + x*y**3)**2
    v_x = x[0]
    v_y = x[1]
    t0 = -v_x
    return (t0 + v_x*v_y + 3/2)**2 + (t0 + v_x*v_y**2 + 9/4)**2 + (t0 + v_x*v_y**3 + 21/8)**2


@kernel
def beale_grad(x, out):
    # gradient, differentiated by SymPy
    v_x = x[0]
    v_y = x[1]
    t0 = -v_x
    t1 = v_x*v_y
    t2 = t0 + t1 + 3/2
    t3 = v_y**2
    t4 = t3*v_x
    t5 = t0 + t4 + 9/4
    t6 = v_y**3
    t7 = t0 + t6*v_x + 21/8
    out[0] = t2*(2*v_y - 2) + t5*(2*t3 - 2) + t7*(2*t6 - 2)
    out[1] = 4*t1*t5 + 2*t2*v_x + 6*t4*t7


@kernel
def beale_hess(x, out):
    # Hessian, differentiated by SymPy
    v_x = x[0]
    v_y = x[1]
    t0 = 2*v_y
    t1 = t0 - 2
    t2 = v_y**2
    t3 = 2*t2 - 2
    t4 = v_y**3
    t5 = 2*t4 - 2
    t6 = t0*v_x
    t7 = -v_x
    t8 = t2*v_x
    t9 = 4*t7 + 4*t8 + 9
    t10 = t4*v_x + t7 + 21/8
    t11 = v_x**2
    out[0, 0] = t1*(v_y - 1) + t3*(t2 - 1) + t5*(t4 - 1)
    out[0, 1] = t1*v_x + 6*t10*t2 + t3*t6 + 3*t5*t8 + t6 + t9*v_y - 2*v_x + 3
    out[1, 0] = out[0, 1]
    out[1, 1] = 12*t10*v_x*v_y + 8*t11*t2 + 18*t11*v_y**4 + 2*t11 + t9*v_x


@kernel
def himmelblau_value(x):
    # (x**2 + y - 11)**2 + (x + y**2 - 7)**2
    v_x = x[0]
    v_y = x[1]
    return (v_x + v_y**2 - 7)**2 + (v_x**2 + v_y - 11)**2


@kernel
def himmelblau_grad(x, out):
    # gradient, differentiated by SymPy
    v_x = x[0]
    v_y = x[1]
    t0 = v_y**2
    t1 = v_x**2
    out[0] = 2*t0 + 4*v_x*(t1 + v_y - 11) + 2*v_x - 14
    out[1] = 2*t1 + 4*v_y*(t0 + v_x - 7) + 2*v_y - 22


@kernel
def himmelblau_hess(x, out):
    # Hessian, differentiated by SymPy
    v_x = x[0]
    v_y = x[1]
    t0 = 4*v_y
    t1 = 4*v_x
    out[0, 0] = t0 + 12*v_x**2 - 42
    out[0, 1] = t0 + t1
    out[1, 0] = out[0, 1]
    out[1, 1] = t1 + 12*v_y**2 - 26


@kernel
def booth_value(x):
    # (x + 2*y - 7)**2 + (2*x + y - 5)**2
    v_x = x[0]
    v_y = x[1]
    return (v_x + 2*v_y - 7)**2 + (2*v_x + v_y - 5)**2


@kernel
def booth_grad(x, out):
    # gradient, differentiated by SymPy
    v_x = x[0]
    v_y = x[1]
    out[0] = 10*v_x + 8*v_y - 34
    out[1] = 8*v_x + 10*v_y - 38


@kernel
def booth_hess(x, out):
    # Hessian, differentiated by SymPy
    out[0, 0] = 10
    out[0, 1] = 8
    out[1, 0] = out[0, 1]
    out[1, 1] = 10


@kernel
def elliptic_value(x):
    # 0.1*x**2 + 2*y**2
    v_x = x[0]
    v_y = x[1]
    return (1/10)*v_x**2 + 2*v_y**2


@kernel
def elliptic_grad(x, out):
    # gradient, differentiated by SymPy
    v_x = x[0]
    v_y = x[1]
    out[0] = (1/5)*v_x
    out[1] = 4*v_y


@kernel
def elliptic_hess(x, out):
    # Hessian, differentiated by SymPy
    out[0, 0] = 1/5
    out[0, 1] = 0
    out[1, 0] = out[0, 1]
    out[1, 1] = 4


LINREG_XI = np.array([2.4, 2.8, 3.2, 3.6, 4.0, 4.2, 5.0], dtype=np.float64)
LINREG_YI = np.array([1.7, 1.85, 1.79, 1.95, 2.1, 2.0, 2.7], dtype=np.float64)
LINREG_ALL = np.arange(7, dtype=np.int64)


@kernel
def linreg_batch_value(x, idx):
    # mean over the samples idx of (m*xi + b - yi)**2
    v_m = x[0]
    v_b = x[1]
    acc0 = 0.0
    for k in range(idx.shape[0]):
        d_xi = LINREG_XI[idx[k]]
        d_yi = LINREG_YI[idx[k]]
        acc0 += (d_xi*v_m - d_yi + v_b)**2
    n = idx.shape[0]
    return acc0 / n


@kernel
def linreg_batch_grad(x, idx, out):
    # mean of the per-sample gradients, differentiated by SymPy
    v_m = x[0]
    v_b = x[1]
    acc0 = 0.0
    acc1 = 0.0
    for k in range(idx.shape[0]):
        d_xi = LINREG_XI[idx[k]]
        d_yi = LINREG_YI[idx[k]]
        t0 = d_xi*v_m
        acc0 += 2*d_xi*(-d_yi + t0 + v_b)
        acc1 += -2*d_yi + 2*t0 + 2*v_b
    n = idx.shape[0]
    out[0] = acc0 / n
    out[1] = acc1 / n


@kernel
def linreg_value(x):
    # the full-batch loss
    return linreg_batch_value(x, LINREG_ALL)


@kernel
def linreg_grad(x, out):
    # the full-batch gradient
    linreg_batch_grad(x, LINREG_ALL, out)


@kernel
def linreg_hess(x, out):
    # mean of the per-sample Hessians, differentiated by SymPy
    acc0 = 0.0
    acc1 = 0.0
    acc2 = 0.0
    for k in range(LINREG_ALL.shape[0]):
        d_xi = LINREG_XI[LINREG_ALL[k]]
        acc0 += 2*d_xi**2
        acc1 += 2*d_xi
        acc2 += 2
    n = LINREG_ALL.shape[0]
    out[0, 0] = acc0 / n
    out[0, 1] = acc1 / n
    out[1, 0] = out[0, 1]
    out[1, 1] = acc2 / n


@kernel
def value(fid, x):
    """f(x) of zoo function fid."""
    if fid == 0:
        return quadratic_value(x)
    if fid == 1:
        return xsinx_value(x)
    if fid == 2:
        return xcospix_value(x)
    if fid == 3:
        return risk_value(x)
    if fid == 4:
        return empirical_risk_value(x)
    if fid == 5:
        return cubic_value(x)
    if fid == 6:
        return tanh_value(x)
    if fid == 7:
        return saddle_value(x)
    if fid == 8:
        return bowl_value(x)
    if fid == 9:
        return rosenbrock_value(x)
    if fid == 10:
        return beale_value(x)
    if fid == 11:
        return himmelblau_value(x)
    if fid == 12:
        return booth_value(x)
    if fid == 13:
        return elliptic_value(x)
    if fid == 14:
        return linreg_value(x)
    raise ValueError("unknown zoo function id")


@kernel
def grad(fid, x, out):
    """Write the gradient at x into out."""
    if fid == 0:
        return quadratic_grad(x, out)
    if fid == 1:
        return xsinx_grad(x, out)
    if fid == 2:
        return xcospix_grad(x, out)
    if fid == 3:
        return risk_grad(x, out)
    if fid == 4:
        return empirical_risk_grad(x, out)
    if fid == 5:
        return cubic_grad(x, out)
    if fid == 6:
        return tanh_grad(x, out)
    if fid == 7:
        return saddle_grad(x, out)
    if fid == 8:
        return bowl_grad(x, out)
    if fid == 9:
        return rosenbrock_grad(x, out)
    if fid == 10:
        return beale_grad(x, out)
    if fid == 11:
        return himmelblau_grad(x, out)
    if fid == 12:
        return booth_grad(x, out)
    if fid == 13:
        return elliptic_grad(x, out)
    if fid == 14:
        return linreg_grad(x, out)
    raise ValueError("unknown zoo function id")


@kernel
def hess(fid, x, out):
    """Write the Hessian at x into out."""
    if fid == 0:
        return quadratic_hess(x, out)
    if fid == 1:
        return xsinx_hess(x, out)
    if fid == 2:
        return xcospix_hess(x, out)
    if fid == 3:
        return risk_hess(x, out)
    if fid == 4:
        return empirical_risk_hess(x, out)
    if fid == 5:
        return cubic_hess(x, out)
    if fid == 6:
        return tanh_hess(x, out)
    if fid == 7:
        return saddle_hess(x, out)
    if fid == 8:
        return bowl_hess(x, out)
    if fid == 9:
        return rosenbrock_hess(x, out)
    if fid == 10:
        return beale_hess(x, out)
    if fid == 11:
        return himmelblau_hess(x, out)
    if fid == 12:
        return booth_hess(x, out)
    if fid == 13:
        return elliptic_hess(x, out)
    if fid == 14:
        return linreg_hess(x, out)
    raise ValueError("unknown zoo function id")


@kernel
def batch_value(fid, x, idx):
    """Mean loss over samples idx; functions without data return the full value."""
    if fid == 0:
        return quadratic_value(x)
    if fid == 1:
        return xsinx_value(x)
    if fid == 2:
        return xcospix_value(x)
    if fid == 3:
        return risk_value(x)
    if fid == 4:
        return empirical_risk_value(x)
    if fid == 5:
        return cubic_value(x)
    if fid == 6:
        return tanh_value(x)
    if fid == 7:
        return saddle_value(x)
    if fid == 8:
        return bowl_value(x)
    if fid == 9:
        return rosenbrock_value(x)
    if fid == 10:
        return beale_value(x)
    if fid == 11:
        return himmelblau_value(x)
    if fid == 12:
        return booth_value(x)
    if fid == 13:
        return elliptic_value(x)
    if fid == 14:
        return linreg_batch_value(x, idx)
    raise ValueError("unknown zoo function id")


@kernel
def batch_grad(fid, x, idx, out):
    """Minibatch gradient over samples idx; functions without data give the full gradient."""
    if fid == 0:
        return quadratic_grad(x, out)
    if fid == 1:
        return xsinx_grad(x, out)
    if fid == 2:
        return xcospix_grad(x, out)
    if fid == 3:
        return risk_grad(x, out)
    if fid == 4:
        return empirical_risk_grad(x, out)
    if fid == 5:
        return cubic_grad(x, out)
    if fid == 6:
        return tanh_grad(x, out)
    if fid == 7:
        return saddle_grad(x, out)
    if fid == 8:
        return bowl_grad(x, out)
    if fid == 9:
        return rosenbrock_grad(x, out)
    if fid == 10:
        return beale_grad(x, out)
    if fid == 11:
        return himmelblau_grad(x, out)
    if fid == 12:
        return booth_grad(x, out)
    if fid == 13:
        return elliptic_grad(x, out)
    if fid == 14:
        return linreg_batch_grad(x, idx, out)
    raise ValueError("unknown zoo function id")


@kernel
def value_grid(fid, xs, ys, out):
    """Fill out[j, i] = f(xs[i], ys[j]) for contour plots; out[0, i] = f(xs[i]) in 1-D."""
    if fid < 0 or fid >= DIMS.shape[0]:
        raise ValueError("unknown zoo function id")
    if DIMS[fid] == 1:
        p = np.empty(1)
        for i in range(xs.shape[0]):
            p[0] = xs[i]
            out[0, i] = value(fid, p)
        return
    p = np.empty(2)
    for j in range(ys.shape[0]):
        p[1] = ys[j]
        for i in range(xs.shape[0]):
            p[0] = xs[i]
            out[j, i] = value(fid, p)
