"""Staff pages of the liaison area at /liaison/: stations, schedules, receptions, opinions, activities."""
