using static TorchSharp.torch;

namespace CondDistill.Training.CoDi;

/// <summary>
/// The result of <see cref="CoDiLoss.Compute"/>: scalar tensors attached to the online model's graph.
/// Log <see cref="Consistency"/> and <see cref="Guidance"/> separately; call backward on <see cref="Total"/>.
/// </summary>
/// <param name="Total">consistency + lambda * guidance (exactly a copy of the consistency term when lambda = 0).</param>
/// <param name="Consistency">The conditional consistency term (eps or boundary-scaled x space).</param>
/// <param name="Guidance">The conditional guidance term d_x = mean((x_hat_t - x)^2), computed even when lambda = 0.</param>
/// <param name="Intermediates">The tensors of the step, without gradient, when asked for (notebooks, tests); otherwise null.</param>
public sealed record CoDiLossTerms(Tensor Total, Tensor Consistency, Tensor Guidance, CoDiIntermediates? Intermediates)
{
    /// <summary><see cref="Total"/> as a number.</summary>
    public double TotalValue => Total.to_type(ScalarType.Float64).item<double>();

    /// <summary><see cref="Consistency"/> as a number.</summary>
    public double ConsistencyValue => Consistency.to_type(ScalarType.Float64).item<double>();

    /// <summary><see cref="Guidance"/> as a number.</summary>
    public double GuidanceValue => Guidance.to_type(ScalarType.Float64).item<double>();

    /// <summary>Moves every tensor to the enclosing dispose scope (see TorchSharp's dispose scopes); returns this.</summary>
    public CoDiLossTerms MoveToOuterDisposeScope()
    {
        Total.MoveToOuterDisposeScope();
        Consistency.MoveToOuterDisposeScope();
        Guidance.MoveToOuterDisposeScope();
        Intermediates?.MoveToOuterDisposeScope();
        return this;
    }
}
