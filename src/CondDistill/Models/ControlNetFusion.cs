namespace CondDistill.Models;

/// <summary>How the ControlNet encoder's features enter the backbone.</summary>
public enum ControlNetFusion
{
    /// <summary>h' = h + zero_conv(h_cond), with each 1x1 zero conv initialised to zero (ControlNet).</summary>
    ZeroConv,

    /// <summary>h' = (1 - mu) h + mu proj(h_cond), one learnable scalar mu per tensor initialised to 0,
    /// proj a normally initialised 1x1 conv (the blend described in the CoDi paper).</summary>
    MuBlend,
}
