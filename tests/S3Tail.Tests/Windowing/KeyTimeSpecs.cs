using S3Tail.Windowing;

namespace S3Tail.Tests.Windowing;

/// <summary>Every key layout AWS writes, with names taken from AWS's documentation.</summary>
public sealed class KeyTimeSpecs
{
    public static TheoryData<string, string, int> Layouts => new()
    {
        // S3 server access logs, plain and with date-based partitioning.
        { "logs/2016-09-11-02-26-19-718F6332DA1867B6", "2016-09-11T02:26:19", 1 },
        { "logs/123456789012/us-east-1/my-bucket/2024/01/02/2024-01-02-03-04-05-ABCDEF0123456789", "2024-01-02T03:04:05", 1 },
        // ALB, classic ELB, NLB.
        { "AWSLogs/123456789012/elasticloadbalancing/us-east-2/2016/05/01/123456789012_elasticloadbalancing_us-east-2_app.my-loadbalancer.1234567890abcdef_20160501T0005Z_172.160.001.192_20sg8hx.log.gz", "2016-05-01T00:05:00", 60 },
        { "AWSLogs/123456789012/elasticloadbalancing/us-west-2/2014/02/15/123456789012_elasticloadbalancing_us-west-2_my-loadbalancer_20140215T2340Z_172.160.001.192_20sg8hx.log", "2014-02-15T23:40:00", 60 },
        { "AWSLogs/123456789012/elasticloadbalancing/us-east-2/2018/06/20/123456789012_elasticloadbalancing_us-east-2_net.my-nlb.1234567890abcdef_20180620T1620Z_3e1f2d4c.log.gz", "2018-06-20T16:20:00", 60 },
        // CloudTrail and VPC flow logs.
        { "AWSLogs/111122223333/CloudTrail/us-east-2/2015/08/01/111122223333_CloudTrail_us-east-2_20150801T0210Z_Mu0KsOhtH1ar15ZZ.json.gz", "2015-08-01T02:10:00", 60 },
        { "AWSLogs/123456789012/vpcflowlogs/us-east-1/2018/06/20/123456789012_vpcflowlogs_us-east-1_fl-1234abcd_20180620T1620Z_fe123456.log.gz", "2018-06-20T16:20:00", 60 },
        // CloudFront standard logs.
        { "cf/E2EXAMPLE.2019-11-13-22.a1b2c3d4.gz", "2019-11-13T22:00:00", 3600 },
        { "E2EXAMPLE.2019-11-13-22.a1b2c3d4", "2019-11-13T22:00:00", 3600 },
        // Date folders (a day; an hour folder as Firehose writes) and Hive partitions.
        { "app/2016/09/11/server-a.log", "2016-09-11T00:00:00", 86400 },
        { "app/2016/09/11/14/server-a.log", "2016-09-11T14:00:00", 3600 },
        { "2016/09/11/server-a.log", "2016-09-11T00:00:00", 86400 },
        { "tbl/year=2016/month=09/day=11/part-0000.log", "2016-09-11T00:00:00", 86400 },
        { "tbl/year=2016/month=09/day=11/hour=14/part-0000.log", "2016-09-11T14:00:00", 3600 },
    };

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Should_give_the_period_the_name_says(string key, string begin, int seconds)
    {
        var start = DateTime.SpecifyKind(DateTime.Parse(begin, System.Globalization.CultureInfo.InvariantCulture), DateTimeKind.Utc);
        Assert.Equal((start, start.AddSeconds(seconds)), KeyTime.PeriodOf(key));
    }

    [Theory]
    [InlineData("readme.txt")]
    [InlineData("logs/2016-13-11-02-26-19-718F6332DA1867B6")]   // month 13
    [InlineData("logs/2016-02-30-02-26-19-718F6332DA1867B6")]   // February 30th
    [InlineData("logs/2016-09-11-02-26-19-")]                   // no unique part
    [InlineData("logs/12016-09-11-02-26-19-X")]                 // five digits of year
    [InlineData("app/2016/09/server.log")]                      // no day
    [InlineData("app/20160911/server.log")]
    [InlineData("tbl/year=2016/month=09/part-0000.log")]
    [InlineData("2016/09/11")]                                  // a name, not folders
    public void Should_find_no_time_where_there_is_none(string key)
    {
        Assert.Null(KeyTime.PeriodOf(key));
    }

    [Fact]
    public void Should_list_folder_times_outermost_first_and_the_name_last()
    {
        var marks = KeyTime.Marks("AWSLogs/1/CloudTrail/us-east-2/2015/08/01/1_CloudTrail_us-east-2_20150801T0210Z_X.json.gz");
        Assert.Equal([TimeForm.DateFolder, TimeForm.LoadBalancer], marks.Select(m => m.Form));
        Assert.Equal("AWSLogs/1/CloudTrail/us-east-2/".Length, marks[0].Start);
        Assert.Equal("AWSLogs/1/CloudTrail/us-east-2/2015/08/01/1_CloudTrail_us-east-2_".Length, marks[1].Start);
    }

    [Theory]
    [InlineData("logs/2016-09-11-02-26-19-X")]
    [InlineData("a/123_elasticloadbalancing_r_lb_20160501T0005Z_1.log")]
    [InlineData("E2.2019-11-13-22.a")]
    [InlineData("app/2016/09/11/x")]
    [InlineData("app/2016/09/11/14/x")]
    [InlineData("t/year=2016/month=09/day=11/x")]
    [InlineData("t/year=2016/month=09/day=11/hour=14/x")]
    public void Should_write_each_form_as_it_reads_it_and_sort_it_in_time_order(string key)
    {
        foreach (var mark in KeyTime.Marks(key))
        {
            string text = KeyTime.Format(mark.Form, mark.Begin);
            Assert.Equal(text, key.Substring(mark.Start, text.Length));
            string later = KeyTime.Format(mark.Form, mark.End);   // the next period (no key here is at a day's last hour)
            Assert.True(string.CompareOrdinal(text, later) < 0);
            Assert.True(S3Tail.Storage.Utf8Order.Instance.Compare(key, KeyTime.LayoutEnd(key, mark)) < 0);
        }
    }
}
