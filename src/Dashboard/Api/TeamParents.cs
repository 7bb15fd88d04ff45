using Boai.Orleans.Teams;

namespace Boai.Orleans.Dashboard.Api;

/// <summary>A team's parent (the "1+10+18" matrix): an existing team of the same district, and never one of its own sub-teams.</summary>
public static class TeamParents
{
    /// <summary>How deep the matrix may nest; also bounds the walk up the chain.</summary>
    public const int MaxDepth = 8;

    public static async Task<IResult?> CheckAsync(IGrainFactory grains, string teamId, string parentTeamId, string districtId)
    {
        var parent = await grains.GetGrain<IServiceTeamGrain>(parentTeamId).Get();
        if (parent is null)
        {
            return ApiProblems.Invalid("parentTeamId", "上级服务队不存在 / No such team");
        }

        if (parent.Profile.DistrictId != districtId)
        {
            return ApiProblems.Invalid("parentTeamId", "上级服务队须属同一镇区 / The parent team must be of the same district");
        }

        var ancestor = parent.Profile.ParentTeamId;
        for (var depth = 1; ancestor is not null; depth++)
        {
            if (ancestor == teamId)
            {
                return ApiProblems.Invalid("parentTeamId", "不能是自己的下级服务队 / Cannot be one of the team's own sub-teams");
            }

            if (depth >= MaxDepth)
            {
                return ApiProblems.Invalid("parentTeamId", $"最多 {MaxDepth} 级 / At most {MaxDepth} levels");
            }

            ancestor = (await grains.GetGrain<IServiceTeamGrain>(ancestor).Get())?.Profile.ParentTeamId;
        }

        return null;
    }
}
