namespace CondDistill.Diffusion;

/// <summary>
/// Which consistency-model boundary scaling <see cref="ConsistencyBoundaryScaling"/> computes
/// (method.md section 6 item 2).
/// </summary>
public enum BoundaryScalingConvention
{
    /// <summary>
    /// The project default, following the consistency-models paper (Song et al. 2023) with time
    /// normalised to [0, 10): t' = 10 t / T, c_skip = sd^2 / (t'^2 + sd^2),
    /// c_out = sd t' / sqrt(t'^2 + sd^2). At t = 999 (T = 1000): c_skip 0.0025, c_out 0.4994.
    /// </summary>
    NormalizedTime,

    /// <summary>
    /// What the released CoDi code (and diffusers' LCM scheduler) computes: t' = 10 t with the
    /// INTEGER timestep, c_skip = sd^2 / (t'^2 + sd^2), c_out = t' / sqrt(t'^2 + sd^2) (no sd factor).
    /// For every t &gt;= 1 this is c_skip &lt;= 0.0025 and c_out &gt;= 0.9988, i.e. almost no scaling;
    /// only t = 0 gives (1, 0).
    /// </summary>
    ReleasedCode,
}
