namespace CondDistill.Experiments;

/// <summary>The mean of a run's logged losses over one window of steps.</summary>
/// <param name="FirstStep">First step of the window (included): width * k + 1.</param>
/// <param name="LastStep">Last step of the window (included): width * (k + 1).</param>
/// <param name="MeanLoss">Mean of the logged values whose step lies in the window (NaN if one of them is not a number).</param>
/// <param name="Records">How many logged records fell in the window.</param>
public sealed record LossBin(long FirstStep, long LastStep, double MeanLoss, int Records);
