/**
 * The repeat-purchase models behind customer lifetime value, in plain numbers (no database, no request):
 *
 * - MBG/NBD (Batislam, Denizel & Filiztekin 2007), the BG/NBD of Fader, Hardie & Lee (2005) in which a customer
 *   may also drop out right after the first purchase: while active, a customer buys as a Poisson process with
 *   rate λ ~ Gamma(r, α); after each purchase (the first included) it drops out with probability p ~ Beta(a, b).
 *   It needs only each customer's frequency x (repeat purchases), recency t_x (first to last purchase) and age T
 *   (first purchase to today). Plain BG/NBD holds every one-time buyer certainly active, which would make churn
 *   risk meaningless for them; the modified form does not.
 * - Gamma-Gamma (Fader, Hardie & Lee 2005, "RFM and CLV") for the spend per purchase: each customer's mean spend
 *   is pulled toward the company's by how many purchases it rests on.
 * - A simple model for companies without enough repeat customers to fit them (see `simpleValue`).
 *
 * Parameters are fitted by maximum likelihood with `nelderMead` (no maintained optimisation package on npm fits:
 * `fmin` and `numeric` are a decade unmaintained). Time is in weeks.
 */

export interface Rfm {
  /** Repeat purchases (purchase days after the first). */
  x: number;
  /** Weeks from the first purchase to the last. */
  tx: number;
  /** Weeks from the first purchase to today. */
  T: number;
}

export interface MbgParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

export interface GammaGammaParams {
  p: number;
  q: number;
  gamma: number;
}

// Special functions ---------------------------------------------------------------------------------------------

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(z) for z > 0 (Lanczos, g = 7; relative error below 1e-13). */
export function lgamma(z: number): number {
  if (z < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * z))) - lgamma(1 - z);
  const w = z - 1;
  let sum = LANCZOS[0] as number;
  for (let i = 1; i < 9; i++) sum += (LANCZOS[i] as number) / (w + i);
  const t = w + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (w + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** Gauss's hypergeometric ₂F₁(a, b; c; z) for 0 ≤ z < 1, by its series. */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  let term = 1;
  let sum = 1;
  for (let n = 0; n < 200_000; n++) {
    term *= ((a + n) * (b + n) * z) / ((c + n) * (n + 1));
    sum += term;
    if (Math.abs(term) <= 1e-14 * Math.abs(sum)) return sum;
  }
  return sum;
}

function logSumExp(u: number, v: number): number {
  const m = Math.max(u, v);
  return m + Math.log(Math.exp(u - m) + Math.exp(v - m));
}

// Nelder-Mead ----------------------------------------------------------------------------------------------------

export interface Minimum {
  x: number[];
  value: number;
  iterations: number;
  converged: boolean;
}

/**
 * Minimises `f` from `start` by the Nelder-Mead simplex (reflection 1, expansion 2, contraction ½, shrink ½).
 * A non-finite value counts as +∞, so the search walks away from where the function is undefined.
 */
export function nelderMead(
  f: (x: number[]) => number,
  start: number[],
  options: { step?: number; maxIterations?: number; tolerance?: number } = {},
): Minimum {
  const n = start.length;
  const step = options.step ?? 0.5;
  const maxIterations = options.maxIterations ?? 2000 * n;
  const tolerance = options.tolerance ?? 1e-9;
  const value = (x: number[]) => {
    const v = f(x);
    return Number.isFinite(v) ? v : Number.POSITIVE_INFINITY;
  };
  let simplex = [start.slice()];
  for (let i = 0; i < n; i++) {
    const vertex = start.slice();
    vertex[i] = (vertex[i] as number) + step;
    simplex.push(vertex);
  }
  let values = simplex.map(value);
  const combine = (u: number[], v: number[], t: number) => u.map((ui, i) => ui + t * ((v[i] as number) - ui));
  let iterations = 0;
  let converged = false;
  for (; iterations < maxIterations; iterations++) {
    const order = values.map((_, i) => i).sort((i, j) => (values[i] as number) - (values[j] as number));
    simplex = order.map((i) => simplex[i] as number[]);
    values = order.map((i) => values[i] as number);
    const best = values[0] as number;
    const worst = values[n] as number;
    const size = Math.max(
      ...simplex.slice(1).map((v) => Math.max(...v.map((vi, i) => Math.abs(vi - (simplex[0]?.[i] as number))))),
    );
    if (Math.abs(worst - best) <= tolerance * (Math.abs(best) + tolerance) && size <= 1e-7) {
      converged = true;
      break;
    }
    const centroid = new Array<number>(n).fill(0);
    for (let k = 0; k < n; k++)
      for (let i = 0; i < n; i++) centroid[i] = (centroid[i] as number) + (simplex[k]?.[i] as number) / n;
    const worstVertex = simplex[n] as number[];
    const reflected = combine(centroid, worstVertex, -1);
    const fr = value(reflected);
    if (fr < best) {
      const expanded = combine(centroid, worstVertex, -2);
      const fe = value(expanded);
      if (fe < fr) {
        simplex[n] = expanded;
        values[n] = fe;
      } else {
        simplex[n] = reflected;
        values[n] = fr;
      }
      continue;
    }
    if (fr < (values[n - 1] as number)) {
      simplex[n] = reflected;
      values[n] = fr;
      continue;
    }
    const outside = fr < worst;
    const contracted = outside ? combine(centroid, worstVertex, -0.5) : combine(centroid, worstVertex, 0.5);
    const fc = value(contracted);
    if (fc < (outside ? fr : worst)) {
      simplex[n] = contracted;
      values[n] = fc;
      continue;
    }
    const first = simplex[0] as number[];
    for (let k = 1; k <= n; k++) {
      simplex[k] = combine(first, simplex[k] as number[], 0.5);
      values[k] = value(simplex[k] as number[]);
    }
  }
  const at = values.indexOf(Math.min(...values));
  return { x: simplex[at] as number[], value: values[at] as number, iterations, converged };
}

// MBG/NBD --------------------------------------------------------------------------------------------------------

/** The log-likelihood of one customer's (x, t_x, T) under MBG/NBD. */
export function mbgLogLikelihood({ r, alpha, a, b }: MbgParams, { x, tx, T }: Rfm): number {
  const a1 = lgamma(r + x) - lgamma(r) + r * Math.log(alpha);
  const a2 = lgamma(a + b) + lgamma(b + x + 1) - lgamma(b) - lgamma(a + b + x + 1);
  const stays = -(r + x) * Math.log(alpha + T);
  const left = Math.log(a) - Math.log(b + x) - (r + x) * Math.log(alpha + tx);
  return a1 + a2 + logSumExp(stays, left);
}

const mbgFrom = (theta: number[]): MbgParams => ({
  r: Math.exp(theta[0] as number),
  alpha: Math.exp(theta[1] as number),
  // a > 1 keeps the expected number of future purchases finite (its closed form divides by a - 1).
  a: 1 + Math.exp(theta[2] as number),
  b: Math.exp(theta[3] as number),
});

/** MBG/NBD parameters by maximum likelihood (on log scales, so they stay positive), over distinct (x, t_x, T). */
export function fitMbg(customers: Rfm[]): MbgParams & { logLikelihood: number; converged: boolean } {
  const grouped = new Map<string, { rfm: Rfm; count: number }>();
  for (const c of customers) {
    const key = `${c.x}|${c.tx}|${c.T}`;
    const seen = grouped.get(key);
    if (seen) seen.count++;
    else grouped.set(key, { rfm: c, count: 1 });
  }
  const groups = [...grouped.values()];
  const meanT = customers.reduce((s, c) => s + c.T, 0) / Math.max(1, customers.length);
  const negLl = (theta: number[]) => {
    const params = mbgFrom(theta);
    let ll = 0;
    for (const g of groups) ll += g.count * mbgLogLikelihood(params, g.rfm);
    // A very weak pull toward the start keeps flat directions (no repeat buyers at all) from drifting away.
    const penalty = 1e-6 * theta.reduce((s, t) => s + t * t, 0);
    return -ll + penalty;
  };
  let best = nelderMead(negLl, [0, Math.log(Math.max(1, meanT)), 0, 0]);
  // Restarting from the optimum found guards against a simplex collapsed early on a ridge.
  for (let i = 0; i < 2; i++) {
    const again = nelderMead(negLl, best.x, { step: 0.2 });
    if (again.value >= best.value - 1e-9) break;
    best = again;
  }
  return { ...mbgFrom(best.x), logLikelihood: -best.value, converged: best.converged };
}

/** The probability that the customer is still active (has not dropped out). */
export function mbgPAlive({ r, alpha, a, b }: MbgParams, { x, tx, T }: Rfm): number {
  return 1 / (1 + (a / (b + x)) * ((alpha + T) / (alpha + tx)) ** (r + x));
}

/** The expected number of purchases in the next `t` weeks, given the customer's history. */
export function mbgExpected({ r, alpha, a, b }: MbgParams, { x, tx, T }: Rfm, t: number): number {
  const hyp = hyp2f1(r + x, b + x + 1, a + b + x, t / (alpha + T + t));
  const numerator = ((a + b + x) / (a - 1)) * (1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp);
  const denominator = 1 + (a / (b + x)) * ((alpha + T) / (alpha + tx)) ** (r + x);
  return Math.max(0, numerator / denominator);
}

// Gamma-Gamma ----------------------------------------------------------------------------------------------------

export interface Spend {
  /** Purchases the mean rests on (≥ 1). */
  n: number;
  /** Mean spend per purchase (> 0). */
  mean: number;
}

export function gammaGammaLogLikelihood({ p, q, gamma }: GammaGammaParams, { n, mean }: Spend): number {
  return (
    lgamma(p * n + q) -
    lgamma(p * n) -
    lgamma(q) +
    q * Math.log(gamma) +
    (p * n - 1) * Math.log(mean) +
    p * n * Math.log(n) -
    (p * n + q) * Math.log(gamma + mean * n)
  );
}

const ggFrom = (theta: number[]): GammaGammaParams => ({
  p: Math.exp(theta[0] as number),
  // q > 1: the population's mean spend p·γ/(q − 1) exists.
  q: 1 + Math.exp(theta[1] as number),
  gamma: Math.exp(theta[2] as number),
});

/** Gamma-Gamma parameters by maximum likelihood over customers' (n, mean spend). */
export function fitGammaGamma(customers: Spend[]): GammaGammaParams & { converged: boolean } {
  const overall = customers.reduce((s, c) => s + c.mean, 0) / Math.max(1, customers.length);
  const negLl = (theta: number[]) => {
    const params = ggFrom(theta);
    let ll = 0;
    for (const c of customers) ll += gammaGammaLogLikelihood(params, c);
    return -ll;
  };
  let best = nelderMead(negLl, [Math.log(2), Math.log(2), Math.log(Math.max(1e-6, overall))]);
  for (let i = 0; i < 2; i++) {
    const again = nelderMead(negLl, best.x, { step: 0.2 });
    if (again.value >= best.value - 1e-9) break;
    best = again;
  }
  return { ...ggFrom(best.x), converged: best.converged };
}

/** The expected spend of the customer's next purchases: its own mean, shrunk toward the population's. */
export function gammaGammaMean({ p, q, gamma }: GammaGammaParams, { n, mean }: Spend): number {
  return (p * (gamma + n * mean)) / (p * n + q - 1);
}

// The simple model ----------------------------------------------------------------------------------------------

/**
 * For companies with too few repeat customers to fit the models. Each customer buys at its own pace λ (repeat
 * purchases over the weeks they span; a one-time buyer the company's pooled pace) and drops out at rate μ = λ / n̄,
 * n̄ being the average number of purchases per customer (a customer active at pace λ who leaves at rate μ makes
 * λ/μ purchases on average). Given `gap` weeks without a purchase, the chance it is still active is
 * 1 / (1 + μ/(λ+μ) · (e^{(λ+μ)·gap} − 1)) (the individual-level Pareto/NBD); an active customer then makes
 * λ·(1 − e^{−μ·h})/μ purchases in the next h weeks.
 */
export function simpleValue(lambda: number, meanPurchases: number, gap: number, horizon: number) {
  if (!(lambda > 0)) return { pAlive: 1, purchases: 0 };
  const mu = lambda / Math.max(1, meanPurchases);
  const pAlive = 1 / (1 + (mu / (lambda + mu)) * Math.expm1((lambda + mu) * gap));
  const purchases = pAlive * ((lambda * -Math.expm1(-mu * horizon)) / mu);
  return { pAlive, purchases };
}
