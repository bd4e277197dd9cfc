using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CondDistill.Models;

/// <summary>
/// Exponential moving average of a parameter set: shadow copies (never requiring gradients)
/// updated as theta_ema &lt;- g theta_ema + (1 - g) theta after each optimiser step, with a fixed
/// decay g = gamma or the warm-up decay g = min(gamma, (1 + n) / (10 + n)) at update n (0-based),
/// as diffusers' EMAModel. <see cref="CopyTo"/> / <see cref="Restore"/> swap the EMA weights into
/// the model for evaluation; <see cref="Shadows"/>, <see cref="UpdateCount"/> and <see cref="LoadState"/> serve checkpoints.
/// </summary>
public sealed class Ema : IDisposable
{
    private readonly IReadOnlyList<(string Name, Parameter Parameter)> tracked;
    private readonly Dictionary<string, Tensor> shadows = new(StringComparer.Ordinal);
    private List<Tensor>? stored;

    /// <summary>Starts the average at the current values of <paramref name="parameters"/> (names must be unique).</summary>
    /// <param name="parameters">Named parameters, e.g. <c>module.named_parameters()</c> or a model's trainable parameters.</param>
    /// <param name="gamma">Decay (0 &lt;= gamma &lt; 1 recommended; 0.999 in the released CoDi code).</param>
    /// <param name="warmUp">Use min(gamma, (1 + n) / (10 + n)) instead of gamma.</param>
    public Ema(IEnumerable<(string Name, Parameter Parameter)> parameters, double gamma, bool warmUp = false)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (gamma is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "EMA decay gamma must be in [0, 1].");
        Gamma = gamma;
        WarmUp = warmUp;
        tracked = parameters.ToList();
        using var noGrad = no_grad();
        foreach (var (name, parameter) in tracked)
        {
            if (shadows.ContainsKey(name)) throw new ArgumentException($"EMA: parameter name '{name}' appears twice.", nameof(parameters));
            shadows[name] = parameter.detach().clone();
        }
    }

    /// <summary>The configured decay gamma.</summary>
    public double Gamma { get; }

    /// <summary>Whether the warm-up decay min(gamma, (1 + n) / (10 + n)) is used.</summary>
    public bool WarmUp { get; }

    /// <summary>Number of updates applied so far (n of the next update).</summary>
    public long UpdateCount { get; private set; }

    /// <summary>The shadow tensors by parameter name (no gradients; do not modify).</summary>
    public IReadOnlyDictionary<string, Tensor> Shadows => shadows;

    /// <summary>Decay used at update <paramref name="n"/> (0-based).</summary>
    public static double DecayAt(long n, double gamma, bool warmUp) =>
        warmUp ? Math.Min(gamma, (1.0 + n) / (10.0 + n)) : gamma;

    /// <summary>theta_ema &lt;- g theta_ema + (1 - g) theta for every tracked parameter; returns the decay g used.</summary>
    public double Update()
    {
        double decay = DecayAt(UpdateCount, Gamma, WarmUp);
        using (no_grad())
        {
            foreach (var (name, parameter) in tracked)
                shadows[name].mul_(decay).add_(parameter, alpha: 1.0 - decay);
        }
        UpdateCount++;
        return decay;
    }

    /// <summary>Copies the EMA weights into the tracked parameters (call <see cref="Store"/> first to be able to <see cref="Restore"/>).</summary>
    public void CopyTo()
    {
        using var noGrad = no_grad();
        foreach (var (name, parameter) in tracked) parameter.copy_(shadows[name]);
    }

    /// <summary>Saves the current (online) parameter values for <see cref="Restore"/>.</summary>
    public void Store()
    {
        DisposeStored();
        using var noGrad = no_grad();
        stored = tracked.Select(p => p.Parameter.detach().clone()).ToList();
    }

    /// <summary>Puts back the values saved by <see cref="Store"/>.</summary>
    public void Restore()
    {
        if (stored is null) throw new InvalidOperationException("EMA.Restore: nothing stored; call Store() before CopyTo().");
        using (no_grad())
        {
            for (int i = 0; i < tracked.Count; i++) tracked[i].Parameter.copy_(stored[i]);
        }
        DisposeStored();
    }

    /// <summary>Stores the online weights and copies the EMA weights in; disposing the result restores the online weights.</summary>
    public IDisposable UseAveragedWeights()
    {
        Store();
        CopyTo();
        return new RestoreOnDispose(this);
    }

    /// <summary>
    /// Replaces the shadows and the update count (from a checkpoint). Every tracked name must be
    /// present with the same shape and no other name may appear.
    /// </summary>
    public void LoadState(IReadOnlyDictionary<string, Tensor> shadowValues, long updateCount)
    {
        ArgumentNullException.ThrowIfNull(shadowValues);
        if (updateCount < 0) throw new ArgumentOutOfRangeException(nameof(updateCount), updateCount, "EMA update count must be >= 0.");
        foreach (var name in shadowValues.Keys)
            if (!shadows.ContainsKey(name)) throw new ArgumentException($"EMA state has an unexpected tensor '{name}'.", nameof(shadowValues));
        foreach (var (name, shadow) in shadows)
        {
            if (!shadowValues.TryGetValue(name, out var value)) throw new ArgumentException($"EMA state is missing tensor '{name}'.", nameof(shadowValues));
            if (!value.shape.SequenceEqual(shadow.shape))
                throw new ArgumentException($"EMA state tensor '{name}' has shape [{string.Join(", ", value.shape)}], expected [{string.Join(", ", shadow.shape)}].", nameof(shadowValues));
        }
        using (no_grad())
        {
            foreach (var (name, shadow) in shadows) shadow.copy_(shadowValues[name]);
        }
        UpdateCount = updateCount;
    }

    /// <summary>Releases the shadow tensors.</summary>
    public void Dispose()
    {
        foreach (var shadow in shadows.Values) shadow.Dispose();
        shadows.Clear();
        DisposeStored();
    }

    private void DisposeStored()
    {
        if (stored is null) return;
        foreach (var tensor in stored) tensor.Dispose();
        stored = null;
    }

    private sealed class RestoreOnDispose(Ema ema) : IDisposable
    {
        private bool done;

        public void Dispose()
        {
            if (done) return;
            done = true;
            ema.Restore();
        }
    }
}
