// The data sets the shipped models (models/*.sgm) train on in the tests.

/** The data each shipped model trains on (small subsets: this is a smoke test of 50 steps). */
export const DATA: Record<string, string> = {
  igr_vae: 'mnist-binarized?classes=0,1',
  igr_sb_vae: 'mnist-binarized?classes=0,1',
  igr_planar_vae: 'mnist-binarized?classes=0,1',
  gs_vae: 'mnist-binarized?classes=0,1',
  gengs_poisson_vae: 'mnist-binarized?classes=0,1',
  jointvae: 'mnist-binarized?classes=0,1',
  sbn_structured_output: 'mnist-halves?classes=0,1',
  sbn_structured_output_igr: 'mnist-halves?classes=0,1',
  sbn_reinforce: 'mnist-binarized?classes=0,1',
  sbn_rebar: 'mnist-binarized?classes=0,1',
  sbn_relax: 'mnist-binarized?classes=0,1',
  gengs_poisson: 'synthetic:poisson?rate=20&count=200',
  gengs_binomial: 'synthetic:binomial?trials=20&p=0.3&count=200',
  gengs_multinomial: 'synthetic:multinomial?trials=3&probs=0.7,0.2,0.1&count=200',
  gengs_negbinomial: 'synthetic:negbinomial?r=3&p=0.4&count=200',
  poisson_topic_model: 'synthetic:lda?vocab=500&topics=20&docs=200&length=80',
  poisson_factorization: 'synthetic:lda?vocab=500&topics=20&docs=200&length=80',
  poisson50_igr_sb: 'none?count=16',
  poisson50_gs: 'none?count=16',
};
