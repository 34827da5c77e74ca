"""The reference update rules: one numba kernel per rule, updating flat arrays in place.

Each kernel follows the arithmetic of torch.optim's single-tensor implementation (torch 2.x),
operation by operation, so that float64 trajectories agree with torch to rounding. Hyperparameters
arrive as Python floats (float64); scalars derived from them (bias corrections, step sizes) are
computed in float64, as torch does in Python, and then cast to the array's dtype with `_like`, so
a float32 update stays in float32 arithmetic end to end. Integer literals stay out of the loops for
the same reason: numba promotes `int - float32` to float64.

Kernels hold no state of their own: buffers (momentum, moments, accumulators) are arrays the caller
owns, which is what lets `optim.Optimizer` and the jitted trajectory loop share them.
"""

from __future__ import annotations

import math

import numpy as np
from numba.extending import overload

from tutor.engine.jit import kernel


def _like(p, x):
    """`x` cast to the dtype of array `p` (compiled below as a plain cast, with no allocation)."""
    return p.dtype.type(x)


@overload(_like, jit_options={"error_model": "numpy"})
def _like_impl(p, x):
    dtype = p.dtype
    return lambda p, x: dtype(x)


@kernel
def _lerp(a, b, w, one):
    """torch.lerp: the two-sided formula keeps the result exact at both ends."""
    if w < 0.5:
        return a + w * (b - a)
    return b - (b - a) * (one - w)


@kernel
def gd(p, g, lr, weight_decay):
    """Plain gradient descent, torch.optim.SGD with momentum=0: p <- p - lr * (g + wd * p)."""
    lr_ = _like(p, lr)
    wd = _like(p, weight_decay)
    for i in range(p.size):
        d = g[i]
        if weight_decay != 0.0:
            d = d + wd * p[i]
        p[i] = p[i] - lr_ * d


@kernel
def momentum(p, g, buf, lr, mu, dampening, weight_decay, nesterov, first):
    """torch.optim.SGD with momentum: buf <- mu*buf + (1-dampening)*g; p <- p - lr*buf.

    On the first step torch sets buf = g (no dampening), which the `first` flag reproduces.
    With `nesterov` the step is g + mu*buf instead of buf: the look-ahead rewritten so that the
    gradient is taken at the current parameters (see docs/optimizers.md for the equivalence).
    """
    if mu == 0.0:  # torch keeps no buffer at momentum 0, whatever the dampening
        gd(p, g, lr, weight_decay)
        return
    lr_ = _like(p, lr)
    mu_ = _like(p, mu)
    keep = _like(p, 1.0 - dampening)
    wd = _like(p, weight_decay)
    for i in range(p.size):
        d = g[i]
        if weight_decay != 0.0:
            d = d + wd * p[i]
        b = d if first else buf[i] * mu_ + keep * d
        buf[i] = b
        d = d + mu_ * b if nesterov else b
        p[i] = p[i] - lr_ * d


@kernel
def adagrad(p, g, total, lr, lr_decay, weight_decay, eps, step):
    """torch.optim.Adagrad: total <- total + g*g; p <- p - clr * g / (sqrt(total) + eps)."""
    clr = _like(p, lr / (1.0 + (step - 1) * lr_decay))
    wd = _like(p, weight_decay)
    eps_ = _like(p, eps)
    for i in range(p.size):
        d = g[i]
        if weight_decay != 0.0:
            d = d + wd * p[i]
        s = total[i] + d * d
        total[i] = s
        p[i] = p[i] - clr * d / (np.sqrt(s) + eps_)


@kernel
def rmsprop(p, g, square_avg, grad_avg, buf, lr, alpha, eps, weight_decay, mu, centered):
    """torch.optim.RMSprop, with its optional centering (subtract the mean gradient squared)
    and momentum buffer."""
    one = _like(p, 1.0)
    a = _like(p, alpha)
    w = _like(p, 1.0 - alpha)
    lr_ = _like(p, lr)
    eps_ = _like(p, eps)
    wd = _like(p, weight_decay)
    mu_ = _like(p, mu)
    for i in range(p.size):
        d = g[i]
        if weight_decay != 0.0:
            d = d + wd * p[i]
        s = square_avg[i] * a + w * d * d
        square_avg[i] = s
        if centered:
            m = _lerp(grad_avg[i], d, w, one)
            grad_avg[i] = m
            s = s - m * m
        avg = np.sqrt(s) + eps_
        if mu > 0.0:
            b = buf[i] * mu_ + d / avg
            buf[i] = b
            p[i] = p[i] - lr_ * b
        else:
            p[i] = p[i] - lr_ * d / avg


@kernel
def adadelta(p, g, square_avg, acc_delta, lr, rho, eps, weight_decay):
    """torch.optim.Adadelta: the step is g scaled by RMS(past steps) / RMS(past gradients)."""
    r = _like(p, rho)
    w = _like(p, 1.0 - rho)
    lr_ = _like(p, lr)
    eps_ = _like(p, eps)
    wd = _like(p, weight_decay)
    for i in range(p.size):
        d = g[i]
        if weight_decay != 0.0:
            d = d + wd * p[i]
        s = square_avg[i] * r + w * d * d
        square_avg[i] = s
        delta = np.sqrt(acc_delta[i] + eps_) / np.sqrt(s + eps_) * d
        acc_delta[i] = acc_delta[i] * r + w * delta * delta
        p[i] = p[i] - lr_ * delta


@kernel
def adam(p, g, m, v, vmax, lr, beta1, beta2, eps, weight_decay, amsgrad, decoupled, step):
    """torch.optim.Adam, and AdamW when `decoupled` (weight decay shrinks p, not the gradient).

    m and v are the biased moment estimates; the bias corrections 1 - beta^t enter only through
    the step size and the denominator, exactly as torch arranges them.
    """
    one = _like(p, 1.0)
    w1 = _like(p, 1.0 - beta1)
    b2 = _like(p, beta2)
    w2 = _like(p, 1.0 - beta2)
    eps_ = _like(p, eps)
    step_size = _like(p, lr / (1.0 - beta1 ** float(step)))
    # torch divides by sqrt(1 - beta2^t); multiplying by its reciprocal saves a division per
    # element (Adam is bound by arithmetic, not memory, here) for at most an ulp of difference.
    inv_bc2_sqrt = _like(p, 1.0 / math.sqrt(1.0 - beta2 ** float(step)))
    wd = _like(p, weight_decay)
    shrink = _like(p, 1.0 - lr * weight_decay)
    for i in range(p.size):
        d = g[i]
        x = p[i]
        if weight_decay != 0.0:
            if decoupled:
                x = x * shrink
            else:
                d = d + wd * x
        mi = _lerp(m[i], d, w1, one)
        m[i] = mi
        vi = v[i] * b2 + w2 * d * d
        v[i] = vi
        if amsgrad:
            vi = max(vmax[i], vi)
            vmax[i] = vi
        p[i] = x - step_size * mi / (np.sqrt(vi) * inv_bc2_sqrt + eps_)


@kernel
def newton(p, g, h, lr, damping):
    """Damped Newton step: solve (H + damping*I) d = g, then p <- p - lr*d.

    Gaussian elimination with partial pivoting on a copy: the systems are tiny (one row per
    parameter of a zoo function). A singular system yields inf/nan, which the caller reports
    as divergence rather than hiding.
    """
    n = p.size
    a = np.empty((n, n + 1))
    for r in range(n):
        for c in range(n):
            a[r, c] = h[r, c]
        a[r, r] += damping
        a[r, n] = g[r]
    for col in range(n):
        pivot = col
        for r in range(col + 1, n):
            if abs(a[r, col]) > abs(a[pivot, col]):
                pivot = r
        if pivot != col:
            for c in range(n + 1):
                a[col, c], a[pivot, c] = a[pivot, c], a[col, c]
        for r in range(col + 1, n):
            f = a[r, col] / a[col, col]
            for c in range(col, n + 1):
                a[r, c] -= f * a[col, c]
    d = np.empty(n)
    for r in range(n - 1, -1, -1):
        s = a[r, n]
        for c in range(r + 1, n):
            s -= a[r, c] * d[c]
        d[r] = s / a[r, r]
    for i in range(n):
        p[i] = p[i] - _like(p, lr * d[i])
