namespace CondDistill.Training.CoDi;

/// <summary>How the training timesteps t (and s = t - k) are drawn on the N-step grid for a batch.</summary>
public enum TimeSampling
{
    /// <summary>One grid index for the whole batch (the paper found this better for 1-4 step sampling).</summary>
    SharedPerBatch,

    /// <summary>One grid index per sample (the released code).</summary>
    PerSample,
}
