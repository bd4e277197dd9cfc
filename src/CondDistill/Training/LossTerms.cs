using static TorchSharp.torch;

namespace CondDistill.Training;

/// <summary>
/// What one training objective returns for a batch: the scalar <see cref="Total"/> to back-propagate
/// (it carries the autograd graph and belongs to the caller's dispose scope) and named scalar values
/// for logging, in report order (e.g. "diffusion", "consistency", "distill"). The logged values are
/// plain doubles read once from the computed tensors, so logging never keeps a graph alive.
/// </summary>
/// <param name="Total">Scalar loss tensor with gradient; call <c>Total.backward()</c>.</param>
/// <param name="Terms">Named values of this batch (the total and its parts), for metrics logs and progress lines.</param>
public sealed record LossTerms(Tensor Total, IReadOnlyList<KeyValuePair<string, double>> Terms)
{
    /// <summary>The value of the term called <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No term has that name.</exception>
    public double this[string name]
    {
        get
        {
            foreach (var term in Terms)
                if (term.Key == name) return term.Value;
            throw new KeyNotFoundException($"LossTerms: no term '{name}'; terms are {string.Join(", ", Terms.Select(t => $"'{t.Key}'"))}.");
        }
    }
}
