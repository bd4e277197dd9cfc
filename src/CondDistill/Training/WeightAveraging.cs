using static TorchSharp.torch;

namespace CondDistill.Training;

/// <summary>
/// Parameter-wise averages of model states (stochastic weight averaging; a box-window post-hoc EMA built from
/// stored snapshots). Pure functions over state dictionaries: no model classes, no files.
/// </summary>
public static class WeightAveraging
{
    /// <summary>
    /// The arithmetic mean of <paramref name="states"/>, entry by entry: the first state's tensor plus the others in
    /// the order given, summed in the tensors' own dtype, then divided by the count. Every state must have the same
    /// entry names, shapes and dtypes (floating point). The result holds new tensors; the inputs are not changed.
    /// </summary>
    /// <param name="states">Two or more state dictionaries (e.g. <c>module.state_dict()</c> of each snapshot).</param>
    /// <param name="labels">A name per state for error messages (e.g. its file); defaults to "state 0", "state 1", ...</param>
    public static Dictionary<string, Tensor> Mean(IReadOnlyList<IReadOnlyDictionary<string, Tensor>> states, IReadOnlyList<string>? labels = null)
    {
        ArgumentNullException.ThrowIfNull(states);
        if (states.Count < 2) throw new ArgumentException($"An average needs at least 2 states, got {states.Count}.", nameof(states));
        if (labels is not null && labels.Count != states.Count)
            throw new ArgumentException($"Got {labels.Count} labels for {states.Count} states.", nameof(labels));
        string Label(int i) => labels?[i] ?? $"state {i}";

        var first = states[0];
        for (int i = 1; i < states.Count; i++)
        {
            var missing = first.Keys.Except(states[i].Keys).Order(StringComparer.Ordinal).ToList();
            var extra = states[i].Keys.Except(first.Keys).Order(StringComparer.Ordinal).ToList();
            if (missing.Count > 0 || extra.Count > 0)
                throw new ArgumentException($"{Label(i)} does not have the entries of {Label(0)}: " +
                    (missing.Count > 0 ? $"missing {string.Join(", ", missing.Take(5))}" : "") +
                    (missing.Count > 0 && extra.Count > 0 ? "; " : "") +
                    (extra.Count > 0 ? $"unexpected {string.Join(", ", extra.Take(5))}" : "") + ".");
        }

        var mean = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        using (no_grad())
        {
            foreach (var (name, reference) in first)
            {
                if (!reference.is_floating_point())
                    throw new ArgumentException($"Entry '{name}' of {Label(0)} has dtype {reference.dtype}; only floating-point entries can be averaged.");
                var sum = reference.detach().clone();
                for (int i = 1; i < states.Count; i++)
                {
                    var other = states[i][name];
                    if (other.dtype != reference.dtype || !other.shape.SequenceEqual(reference.shape))
                        throw new ArgumentException($"Entry '{name}' of {Label(i)} is {other.dtype} [{string.Join(", ", other.shape)}], " +
                            $"but {reference.dtype} [{string.Join(", ", reference.shape)}] in {Label(0)}.");
                    sum.add_(other.to(sum.device));
                }
                mean[name] = sum.div_(states.Count);
            }
        }
        return mean;
    }
}
