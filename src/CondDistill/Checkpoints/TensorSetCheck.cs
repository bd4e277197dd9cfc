using static TorchSharp.torch;

namespace CondDistill.Checkpoints;

/// <summary>Compares the tensors found in a file with the tensors a model expects, then copies them in.</summary>
internal static class TensorSetCheck
{
    /// <summary>
    /// Checks that <paramref name="found"/> (file names with <paramref name="prefix"/>) holds exactly
    /// the names of <paramref name="expected"/> with the same shapes and dtypes, then copies every value
    /// into the expected tensor (no gradient). Nothing is copied unless everything matches.
    /// </summary>
    internal static void VerifyAndCopy(string path, string what, IReadOnlyDictionary<string, Tensor> found, string prefix,
        IEnumerable<KeyValuePair<string, Tensor>> expected, string? architectureHint = null)
    {
        var targets = expected.ToList();
        Verify(path, what, found, prefix, targets, architectureHint);
        Copy(found, prefix, targets);
    }

    /// <summary>Copies the file's tensors into the model's (call <see cref="Verify"/> first).</summary>
    internal static void Copy(IReadOnlyDictionary<string, Tensor> found, string prefix, IEnumerable<KeyValuePair<string, Tensor>> targets)
    {
        using var noGrad = no_grad();
        foreach (var (name, target) in targets) target.copy_(found[prefix + name]);
    }

    /// <summary>The checks of <see cref="VerifyAndCopy"/> without copying.</summary>
    internal static void Verify(string path, string what, IReadOnlyDictionary<string, Tensor> found, string prefix,
        IReadOnlyList<KeyValuePair<string, Tensor>> targets, string? architectureHint = null)
    {
        var problems = new List<string>();
        var expectedNames = new HashSet<string>(targets.Select(t => prefix + t.Key), StringComparer.Ordinal);
        foreach (var (name, target) in targets)
        {
            if (!found.TryGetValue(prefix + name, out var value))
            {
                problems.Add($"{what} tensor '{prefix + name}' is missing");
                continue;
            }
            if (!value.shape.SequenceEqual(target.shape))
                problems.Add($"{what} tensor '{prefix + name}' has shape [{string.Join(", ", value.shape)}] in the file but the model expects [{string.Join(", ", target.shape)}]");
            else if (value.dtype != target.dtype)
                problems.Add($"{what} tensor '{prefix + name}' has dtype {value.dtype} in the file but the model expects {target.dtype}");
        }
        foreach (var name in found.Keys.Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && !expectedNames.Contains(n)).Order(StringComparer.Ordinal))
            problems.Add($"unexpected {what} tensor '{name}' (not in the model)");
        if (problems.Count > 0)
        {
            string shown = string.Join("; ", problems.Take(5)) + (problems.Count > 5 ? $"; and {problems.Count - 5} more" : "");
            string hint = architectureHint is null ? "" : $" {architectureHint}";
            throw new CheckpointException(path, $"{problems.Count} mismatch(es) with the model: {shown}.{hint}");
        }
    }
}
