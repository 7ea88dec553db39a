// torch.optim.Adam and AdamW (1.13, single-tensor): amsgrad, weight decay (L2 for Adam, decoupled for AdamW),
// maximize; bias corrections in float64 on the host.
import type { Parameter } from '../nn/parameter.js';
import { invalid, Optimizer, pyFloat } from './optimizer.js';

export interface AdamOptions {
  lr?: number;
  betas?: readonly [number, number];
  eps?: number;
  weightDecay?: number;
  amsgrad?: boolean;
  maximize?: boolean;
}

export class Adam extends Optimizer {
  readonly options: Required<AdamOptions>;
  protected readonly decoupled: boolean = false;

  constructor(params: Iterable<Parameter>, options: AdamOptions = {}, defaultWeightDecay = 0) {
    super(params);
    const { lr = 1e-3, betas = [0.9, 0.999], eps = 1e-8, weightDecay = defaultWeightDecay, amsgrad = false, maximize = false } = options;
    if (!(lr >= 0)) invalid(`Invalid learning rate: ${lr}`);
    if (!(eps >= 0)) invalid(`Invalid epsilon value: ${eps}`);
    if (!(betas[0] >= 0 && betas[0] < 1)) invalid(`Invalid beta parameter at index 0: ${pyFloat(betas[0])}`);
    if (!(betas[1] >= 0 && betas[1] < 1)) invalid(`Invalid beta parameter at index 1: ${pyFloat(betas[1])}`);
    if (!(weightDecay >= 0)) invalid(`Invalid weight_decay value: ${weightDecay}`);
    this.options = { lr, betas: [betas[0], betas[1]], eps, weightDecay, amsgrad, maximize };
  }

  protected bufferNames(): string[] {
    return this.options.amsgrad ? ['exp_avg', 'exp_avg_sq', 'max_exp_avg_sq'] : ['exp_avg', 'exp_avg_sq'];
  }

  protected config() {
    const o = this.options;
    return {
      constants: { ADAM: 1, DECOUPLED: this.decoupled ? 1 : 0, AMSGRAD: o.amsgrad ? 1 : 0, MAXIMIZE: o.maximize ? 1 : 0 },
      params: {
        weightDecay: o.weightDecay,
        momentum: 0,
        oneMinusDampening: 0,
        beta1: o.betas[0],
        beta2: o.betas[1],
        oneMinusBeta1: 1 - o.betas[0],
        oneMinusBeta2: 1 - o.betas[1],
        eps: o.eps,
        decay: 1 - o.lr * o.weightDecay,
      },
    };
  }

  protected scalars(step: number): number[] {
    const [beta1, beta2] = this.options.betas;
    return [this.options.lr, this.options.lr / (1 - beta1 ** step), Math.sqrt(1 - beta2 ** step), 0];
  }

  protected group(): Record<string, unknown> {
    const o = this.options;
    return {
      lr: o.lr,
      betas: [...o.betas],
      eps: o.eps,
      weight_decay: o.weightDecay,
      amsgrad: o.amsgrad,
      maximize: o.maximize,
      foreach: null,
      capturable: false,
      differentiable: false,
      fused: false,
    };
  }
}

export class AdamW extends Adam {
  protected override readonly decoupled: boolean = true;

  constructor(params: Iterable<Parameter>, options: AdamOptions = {}) {
    super(params, options, 1e-2);
  }

  /** 1.13's AdamW param group has no `differentiable` or `fused`. */
  protected override group(): Record<string, unknown> {
    const { differentiable: _d, fused: _f, ...group } = super.group();
    return group;
  }
}
