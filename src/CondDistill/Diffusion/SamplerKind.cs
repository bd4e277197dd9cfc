namespace CondDistill.Diffusion;

/// <summary>The samplers a model can be evaluated with (each reported by its <see cref="SamplerSpec.Name"/>).</summary>
public enum SamplerKind
{
    /// <summary>Deterministic DDIM (eta 0) on trailing-spaced timesteps: the many-step baseline sampler.</summary>
    Ddim,

    /// <summary>Deterministic DDIM on the N-grid, every r-th point from the top, output the last x_hat (the released CoDi sampler).</summary>
    Grid,

    /// <summary>Consistency-model multistep sampling on the N-grid points: x_hat, then fresh noise to the next point.</summary>
    Consistency,

    /// <summary>DPM-Solver++ (2M) on trailing-spaced timesteps.</summary>
    DpmSolverPlusPlus,
}
