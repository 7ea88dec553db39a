// torch.optim.SGD (1.13): weight decay, momentum with dampening, nesterov, maximize.
import type { Parameter } from '../nn/parameter.js';
import { invalid, Optimizer } from './optimizer.js';

export interface SGDOptions {
  lr: number;
  momentum?: number;
  dampening?: number;
  weightDecay?: number;
  nesterov?: boolean;
  maximize?: boolean;
}

export class SGD extends Optimizer {
  readonly options: Required<SGDOptions>;
  protected override readonly countsSteps = false;

  constructor(params: Iterable<Parameter>, options: SGDOptions) {
    super(params);
    const { lr, momentum = 0, dampening = 0, weightDecay = 0, nesterov = false, maximize = false } = options ?? ({} as SGDOptions);
    if (lr === undefined) invalid("parameter group didn't specify a value of required optimization parameter lr");
    if (lr < 0) invalid(`Invalid learning rate: ${lr}`);
    if (momentum < 0) invalid(`Invalid momentum value: ${momentum}`);
    if (weightDecay < 0) invalid(`Invalid weight_decay value: ${weightDecay}`);
    if (nesterov && (momentum <= 0 || dampening !== 0)) invalid('Nesterov momentum requires a momentum and zero dampening');
    this.options = { lr, momentum, dampening, weightDecay, nesterov, maximize };
  }

  protected bufferNames(): string[] {
    return this.options.momentum !== 0 ? ['momentum_buffer'] : [];
  }

  protected config() {
    const o = this.options;
    return {
      constants: { ADAM: 0, MOMENTUM: o.momentum !== 0 ? 1 : 0, NESTEROV: o.nesterov ? 1 : 0, MAXIMIZE: o.maximize ? 1 : 0 },
      params: {
        weightDecay: o.weightDecay,
        momentum: o.momentum,
        oneMinusDampening: 1 - o.dampening,
        beta1: 0,
        beta2: 0,
        oneMinusBeta1: 0,
        oneMinusBeta2: 0,
        eps: 0,
        decay: 1,
      },
    };
  }

  protected scalars(_step: number, firstStep: boolean): number[] {
    return [this.options.lr, 0, 1, firstStep ? 1 : 0];
  }

  protected group() {
    const o = this.options;
    return {
      lr: o.lr,
      momentum: o.momentum,
      dampening: o.dampening,
      weight_decay: o.weightDecay,
      nesterov: o.nesterov,
      maximize: o.maximize,
      foreach: null,
      differentiable: false,
    };
  }
}
