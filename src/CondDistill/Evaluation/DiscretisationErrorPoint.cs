namespace CondDistill.Evaluation;

/// <summary>
/// How far one few-step DDIM spacing lands from the many-step reference solution of the same
/// probability-flow ODE, on the same starting noise (<see cref="SamplerDiscretisation"/>). Errors are in
/// 8-bit grey levels (1 level = 2 / 255 in the model's [-1, 1] range), on outputs clamped to [-1, 1].
/// </summary>
/// <param name="Spacing">The spacing rule's name, e.g. "trailing" or "power:2".</param>
/// <param name="Steps">Network evaluations of the few-step sampler.</param>
/// <param name="LastTimestep">The lowest timestep it visits (its output is the x_hat there).</param>
/// <param name="RootMeanSquareLevels">Root-mean-square difference to the reference over all pixels.</param>
/// <param name="MeanAbsoluteLevels">Mean absolute difference over all pixels.</param>
/// <param name="BackgroundRootMeanSquareLevels">Root-mean-square difference over the pixels that are near
/// black in the reference (at most -0.95): the faint background noise the FD-FMNIST extractor sees.</param>
/// <param name="BackgroundShare">Share of pixels that are near black in the reference.</param>
public sealed record DiscretisationErrorPoint(
    string Spacing,
    int Steps,
    int LastTimestep,
    double RootMeanSquareLevels,
    double MeanAbsoluteLevels,
    double BackgroundRootMeanSquareLevels,
    double BackgroundShare);
